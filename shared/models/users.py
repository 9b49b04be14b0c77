"""TIDAL users as the tools return them: profiles and their public playlists."""

from __future__ import annotations

from pydantic import Field

from shared.models.common import Freshness, _Model
from shared.models.lists import _Page
from shared.models.playlists import PlaylistSummary


class UserProfile(Freshness):
    """A TIDAL user's public profile (the logged-in user's also has the username)."""

    id: int
    name: str | None = Field(None, description="The name TIDAL shows, when the user has one")
    username: str | None = Field(None, description="Only for the logged-in user")
    first_name: str | None = None
    last_name: str | None = None
    picture_url: str | None = None
    is_me: bool = Field(description="True for the logged-in user")


class UserPlaylistList(_Model):
    """Every public playlist of a user (cached whole)."""

    user_id: int
    items: list[PlaylistSummary]


class UserPlaylistPage(_Page):
    """One page of a user's public playlists."""

    user_id: int
    items: list[PlaylistSummary]
