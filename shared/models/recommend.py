"""Track recommendations merged from the radios of seed tracks and artists."""

from __future__ import annotations

from pydantic import Field

from shared.models.common import Freshness, _Model
from shared.models.tracks import Track


class Recommendation(Track):
    """A recommended track and the seeds whose radio holds it (``"track:123"``, ``"artist:456"``)."""

    seeds: list[str]


class SeedFailure(_Model):
    """A seed whose radio could not be read, and why."""

    seed: str
    error: str


class Recommendations(Freshness):
    """Recommended tracks, most seeds first, then by radio order; what was filtered out, counted."""

    items: list[Recommendation]
    total: int = Field(description="Tracks that passed every filter (items holds at most `limit` of them)")
    considered: int = Field(description="Distinct tracks in the seeds' radios")
    excluded: dict[str, int] = Field(description="Tracks removed, by filter")
    failed_seeds: list[SeedFailure] = []
