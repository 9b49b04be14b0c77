"""Mixes and videos as the tools return them."""

from __future__ import annotations

from pydantic import Field

from shared.models.common import ArtistRef, Freshness, _Model
from shared.models.lists import _Page
from shared.models.tracks import Track


class Video(Freshness):
    """A TIDAL music video."""

    id: int
    title: str
    duration_s: int
    quality: str | None = Field(None, description="Best resolution, e.g. MP4_1080P")
    explicit: bool | None = None
    release_date: str | None = None
    artists: list[ArtistRef]
    url: str


class Mix(_Model):
    """Every item of a mix (a personal mix, a track or artist radio mix), in order."""

    id: str
    tracks: list[Track]
    videos: list[Video]


class MixPage(Freshness):
    """One page of a mix's tracks (and all its videos)."""

    id: str
    total: int = Field(description="Tracks in the whole mix")
    offset: int = 0
    limit: int
    has_more: bool = False
    next_offset: int | None = None
    items: list[Track]
    videos: list[Video]


class VideoList(_Model):
    """Every video of a list (an artist's videos)."""

    items: list[Video]


class VideoPage(_Page):
    """One page of videos."""

    items: list[Video]
