"""Credits (who wrote, produced, mixed ...) as the tools return them."""

from __future__ import annotations

from pydantic import Field

from shared.models.common import Freshness, _Model
from shared.models.lists import _Page


class Credit(_Model):
    """Everyone credited in one role, e.g. ``{"role": "Producer", "names": ["Nigel Godrich"]}``."""

    role: str
    names: list[str]
    artist_ids: list[int] = Field([], description="TIDAL artist ids of the names that have one")


class TrackCredits(Freshness):
    """A track's credits, grouped by role (an empty list when TIDAL has none)."""

    track_id: int
    credits: list[Credit]


class TrackCreditsRow(_Model):
    """One album track and its credits."""

    track_id: int
    title: str
    track_number: int
    volume_number: int
    credits: list[Credit]


class AlbumCreditList(_Model):
    """An album's own credits and every track's (cached whole)."""

    album_id: int
    credits: list[Credit]
    items: list[TrackCreditsRow]


class AlbumCreditsPage(_Page):
    """An album's own credits and one page of its tracks' credits."""

    album_id: int
    credits: list[Credit] = Field(description="Credits of the album as a whole (artists, label, producers ...)")
    items: list[TrackCreditsRow]
