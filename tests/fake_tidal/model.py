"""Immutable catalog records (artists, albums, tracks, playlists, the user) and time helpers.

``catalog.py`` builds them from a seed; every route module reads them.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass

#: The catalog's "now" (2026-11-01T00:00:00Z). Catalog timestamps never read the wall clock.
CATALOG_EPOCH_MS = 1_793_491_200_000
DAY_MS = 86_400_000


@dataclass(frozen=True)
class Artist:
    """A catalog artist."""

    id: int
    name: str
    picture: str | None
    popularity: int
    artist_types: tuple[str, ...]
    mix_id: str


@dataclass(frozen=True)
class Credit:
    """One artist credit on a track or album (role is MAIN or FEATURED)."""

    artist_id: int
    role: str


@dataclass(frozen=True)
class Album:
    """A catalog album; ``track_ids`` are in disc/track order."""

    id: int
    title: str
    version: str | None
    album_type: str
    credits: tuple[Credit, ...]
    release_date: str
    stream_start_ms: int
    cover: str
    vibrant_color: str
    upc: str
    copyright: str
    explicit: bool
    popularity: int
    audio_quality: str
    replay_gain: float
    peak: float
    track_ids: tuple[int, ...]
    number_of_volumes: int
    duration: int


@dataclass(frozen=True)
class Track:
    """A catalog track."""

    id: int
    title: str
    version: str | None
    album_id: int
    credits: tuple[Credit, ...]
    track_number: int
    volume_number: int
    duration: int
    popularity: int
    explicit: bool
    isrc: str
    audio_quality: str
    bpm: int | None
    key: str | None
    key_scale: str | None
    replay_gain: float
    peak: float
    stream_start_ms: int
    copyright: str
    mix_id: str
    has_lyrics: bool


@dataclass(frozen=True)
class PlaylistItem:
    """A track in a playlist, with the time it was added and its per-playlist item uuid."""

    track_id: int
    added_ms: int
    item_uuid: str


@dataclass(frozen=True)
class Playlist:
    """A playlist as seeded (state.State keeps the mutable copy)."""

    uuid: str
    title: str
    description: str
    creator_id: int
    playlist_type: str
    created_ms: int
    last_updated_ms: int
    image: str
    square_image: str
    public: bool
    popularity: int
    items: tuple[PlaylistItem, ...]


@dataclass(frozen=True)
class User:
    """The seeded account every token belongs to."""

    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    country_code: str
    created_ms: int
    picture: str
    birthday_ms: int
    google_uid: str


@dataclass(frozen=True)
class Favorite:
    """A favorited object id with the time it was favorited."""

    id: int | str
    created_ms: int


def seeded_uuid(rng: random.Random) -> str:
    """A version-4 UUID string drawn from ``rng``."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def mix_id(rng: random.Random) -> str:
    """A 30-hex-digit mix id like TIDAL's ("001603cb31f1842e052770e0ad7647")."""
    return "00" + "".join(rng.choice("0123456789abcdef") for _ in range(28))


def format_ts(ms: int) -> str:
    """TIDAL's v1 timestamp format: ``2019-12-27T00:00:00.000+0000``."""
    moment = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}+0000"


def format_date(ms: int) -> str:
    """``YYYY-MM-DD`` for an epoch-milliseconds instant."""
    return format_ts(ms)[:10]
