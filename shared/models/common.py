"""What every area's models share: the base model and the stale-answer flags."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Freshness(_Model):
    """Set on tool answers that came from an expired cache entry because TIDAL could not be asked."""

    stale: bool = Field(False, description="True when TIDAL was unavailable and this is an older cached answer")
    stale_age_s: float | None = Field(None, description="How old a stale answer is, in seconds")


class ArtistRef(_Model):
    """An artist as credited on a track or album."""

    id: int
    name: str
    role: str | None = Field(None, description="MAIN, FEATURED, ... when TIDAL says")


class AlbumRef(_Model):
    """The album a track belongs to."""

    id: int
    title: str
    cover_url: str | None = None
