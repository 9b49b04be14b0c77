"""Playlists as the tools return them."""

from __future__ import annotations

from pydantic import Field

from shared.models.common import Freshness, _Model
from shared.models.tracks import Track


class PlaylistSummary(_Model):
    """A playlist without its tracks (as found by search)."""

    uuid: str
    title: str
    description: str | None = None
    creator_id: int | None = Field(None, description="0 or null for TIDAL editorial playlists")
    type: str | None = Field(None, description="USER, EDITORIAL, ARTIST ...")
    number_of_tracks: int
    duration_s: int
    last_updated: str | None = None
    image_url: str | None = None
    url: str


class Playlist(PlaylistSummary, Freshness):
    """A playlist with every track, in playlist order."""

    public: bool | None = None
    created: str | None = None
    tracks: list[Track]
