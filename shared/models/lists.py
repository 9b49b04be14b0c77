"""Lists of catalog objects a read returns whole (cached whole), and the pages the tools hand out."""

from __future__ import annotations

from pydantic import Field

from shared.models.albums import AlbumSummary
from shared.models.batch import ArtistSummary
from shared.models.common import Freshness, _Model
from shared.models.tracks import Track


class TrackList(_Model):
    """Every track of a list (a radio, similar tracks)."""

    items: list[Track]


class AlbumList(_Model):
    """Every album of a list (an artist's albums of one kind, similar albums)."""

    items: list[AlbumSummary]


class ArtistList(_Model):
    """Every artist of a list (similar artists)."""

    items: list[ArtistSummary]


class _Page(Freshness):
    total: int = Field(description="Items in the whole list")
    offset: int = 0
    limit: int
    has_more: bool = False
    next_offset: int | None = Field(None, description="Pass as offset for the next page")


class TrackPage(_Page):
    """One page of tracks."""

    items: list[Track]


class AlbumPage(_Page):
    """One page of albums."""

    items: list[AlbumSummary]


class ArtistPage(_Page):
    """One page of artists."""

    items: list[ArtistSummary]


class Text(Freshness):
    """A text about an object (an artist's biography, an album review), with TIDAL's link markup removed."""

    id: int
    text: str
    source: str | None = None


class Lyrics(Freshness):
    """A track's lyrics: plain text and, where TIDAL has them, time-synced lines (LRC: ``[mm:ss.xx] line``)."""

    track_id: int
    text: str
    synced: str | None = Field(None, description="LRC lines with timestamps, when TIDAL has them")
    provider: str | None = None
    right_to_left: bool = False
