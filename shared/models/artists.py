"""Artists as the tools return them."""

from __future__ import annotations

from shared.models.albums import AlbumSummary
from shared.models.common import Freshness
from shared.models.tracks import Track


class Artist(Freshness):
    """An artist with their top tracks and albums."""

    id: int
    name: str
    roles: list[str] = []
    picture_url: str | None = None
    url: str
    top_tracks: list[Track]
    albums: list[AlbumSummary]
