"""Favorites as the tools return them."""

from __future__ import annotations

from pydantic import Field

from shared.models.common import Freshness, _Model

FAVORITE_KINDS = ("tracks", "albums", "artists", "playlists", "videos", "mixes")
FAVORITE_ORDERS = ("newest", "oldest", "name")


class Favorite(_Model):
    """One favorite: its id, a readable name, and when it was added."""

    id: str = Field(description="Track/album/artist/video id, playlist uuid or mix id")
    name: str
    artists: list[str] = []
    added_at: str | None = None


class FavoriteList(_Model):
    """Every favorite of one kind, in one order (what the job reads: every page TIDAL has)."""

    kind: str
    order: str
    items: list[Favorite]
    hidden: int = Field(0, description="Counted by TIDAL but not listed (not available in the account's country)")


class FavoritesPage(Freshness):
    """One page of the user's favorites of one kind."""

    kind: str
    order: str
    total: int = Field(description="Favorites of this kind TIDAL lists, on every page")
    hidden: int = Field(0, description="Counted by TIDAL but not listed (not available in the account's country)")
    offset: int
    limit: int
    has_more: bool
    next_offset: int | None = None
    items: list[Favorite]


class FavoritesChange(_Model):
    """What a favorites write did (or, with ``dry_run``, would do)."""

    kind: str
    dry_run: bool = False
    added: list[str] = []
    removed: list[str] = []
    unchanged: list[str] = Field([], description="Already favorites (add) or not favorites (remove): nothing to do")
    not_found: list[str] = Field([], description="Ids TIDAL does not know (nothing was done for them)")
    message: str = ""
