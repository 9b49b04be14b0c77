"""The plain-JSON shapes of TIDAL objects as the tools return them (pydantic models).

Workers build these from tidalapi objects (``workers/normalize.py``) and store ``model_dump()``
output in the cache; the front validates cached JSON back into them for structured tool output.
One definition serves both sides, so the MCP output schema and the cached data cannot drift.
"""

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


class TrackResult(Track, Freshness):
    """A track as ``tidal_get_track`` answers it."""


class Album(AlbumSummary, Freshness):
    """An album with every track."""

    tracks: list[Track]


class Artist(Freshness):
    """An artist with their top tracks and albums."""

    id: int
    name: str
    roles: list[str] = []
    picture_url: str | None = None
    url: str
    top_tracks: list[Track]
    albums: list[AlbumSummary]


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


class TopHit(_Model):
    """TIDAL's single best match for a search."""

    type: str = Field(description="track, album, artist or playlist")
    id: str
    name: str


class SearchResult(Freshness):
    """One page of search results per requested type."""

    query: str
    limit: int
    offset: int
    tracks: list[Track] = []
    albums: list[AlbumSummary] = []
    artists: list[ArtistRef] = []
    playlists: list[PlaylistSummary] = []
    top_hit: TopHit | None = None


class AuthStatus(_Model):
    """Whether the pool holds a working TIDAL login, and whose."""

    logged_in: bool
    user_id: int | None = None
    username: str | None = None
    country_code: str | None = None
    token_expires_at: str | None = Field(None, description="UTC; workers refresh the token by themselves")
    message: str

