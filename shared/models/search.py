"""Search results as the tools return them."""

from __future__ import annotations

from pydantic import Field

from shared.models.albums import AlbumSummary
from shared.models.common import ArtistRef, Freshness, _Model
from shared.models.playlists import PlaylistSummary
from shared.models.tracks import Track


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
