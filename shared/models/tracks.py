"""Tracks as the tools return them."""

from __future__ import annotations

from pydantic import Field

from shared.models.common import AlbumRef, ArtistRef, Freshness, _Model


class Track(_Model):
    """A TIDAL track with the metadata useful for choosing music (quality, ISRC, BPM, key ...)."""

    id: int
    title: str
    version: str | None = None
    duration_s: int = Field(description="Length in seconds")
    track_number: int
    volume_number: int
    explicit: bool
    popularity: int | None = None
    isrc: str | None = None
    audio_quality: str | None = Field(None, description="LOW, HIGH, LOSSLESS or HI_RES_LOSSLESS")
    audio_modes: list[str] = []
    media_tags: list[str] = []
    bpm: int | None = None
    key: str | None = None
    key_scale: str | None = None
    replay_gain: float | None = None
    copyright: str | None = None
    stream_start_date: str | None = None
    available: bool = Field(description="Whether the track can be streamed in the account's country")
    artists: list[ArtistRef]
    album: AlbumRef | None = None
    url: str


class TrackResult(Track, Freshness):
    """A track as ``tidal_get_track`` answers it."""
