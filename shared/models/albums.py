"""Albums as the tools return them."""

from __future__ import annotations

from pydantic import Field

from shared.models.common import ArtistRef, Freshness, _Model
from shared.models.tracks import Track


class AlbumSummary(_Model):
    """An album without its track list (as listed on an artist)."""

    id: int
    title: str
    version: str | None = None
    type: str | None = Field(None, description="ALBUM, EP or SINGLE")
    artists: list[ArtistRef]
    release_date: str | None = None
    duration_s: int | None = None
    number_of_tracks: int | None = None
    number_of_volumes: int | None = None
    explicit: bool | None = None
    popularity: int | None = None
    audio_quality: str | None = None
    media_tags: list[str] = []
    upc: str | None = None
    copyright: str | None = None
    cover_url: str | None = None
    url: str


class Album(AlbumSummary, Freshness):
    """An album with every track."""

    tracks: list[Track]


class AlbumTracksPage(Album):
    """An album as ``tidal_get_album`` answers it: one page of its tracks, in order."""

    tracks_total: int = Field(description="Tracks on the whole album")
    offset: int = 0
    has_more: bool = False
    next_offset: int | None = Field(None, description="Pass as offset for the next tracks")
