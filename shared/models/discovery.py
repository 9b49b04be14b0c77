"""Discovery pages (home, explore, for-you, hi-res, genres, moods, the user's mixes) as plain rows."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.models.common import _Model
from shared.models.lists import _Page

ItemKind = Literal["track", "album", "artist", "playlist", "mix", "video", "genre", "mood", "page"]


class PageRow(_Model):
    """One thing a page shows, e.g. ``{"module": "New albums", "kind": "album", "id": "5122581", ...}``.

    ``kind`` says which tool opens it: track → tidal_get_track, album → tidal_get_album, artist →
    tidal_get_artist, playlist → tidal_get_playlist, mix → tidal_get_mix, video → tidal_get_video,
    genre → tidal_get_genre_items, mood → tidal_get_mood_playlists (``id`` is the path they take);
    page → another TIDAL page (``id`` is its API path).
    """

    module: str = Field(description="Title of the row of the page the item is shown in")
    kind: ItemKind
    id: str = Field(description="The id to pass to the tool that opens it (a number, a UUID, a mix id, a path)")
    name: str
    artists: list[str] = []
    subtitle: str | None = None


class PageRows(_Model):
    """Every row of a page, in the page's order (cached whole)."""

    page: str
    title: str
    items: list[PageRow]
    more: dict[str, str] = {}


class DiscoveryPage(_Page):
    """One page of a discovery page's rows; ``modules`` lists every row title on the whole page."""

    page: str
    title: str
    modules: list[str]
    more: dict[str, str] = Field(
        {}, description="Row title -> path for tidal_open_page, for rows TIDAL shows only the start of"
    )
    items: list[PageRow]


class Genre(_Model):
    """A genre or a mood: ``path`` is what tidal_get_genre_items / tidal_get_mood_playlists take."""

    name: str
    path: str
    has: list[str] = Field(description="What it lists: tracks, albums, artists, playlists, videos")


class GenreList(_Model):
    """Every genre (or mood) TIDAL offers."""

    items: list[Genre]


class GenrePage(_Page):
    """One page of genres or moods."""

    items: list[Genre]
