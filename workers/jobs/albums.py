"""Album jobs."""

from __future__ import annotations

import tidalapi

from shared import models
from workers import normalize
from workers.paging import fetch_all
from workers.runtime import cache_tracks, tidal_job


@tidal_job("album.get")
def get_album(session: tidalapi.Session, album_id: int) -> models.Album:
    """An album with every track, all pages (1 + ceil(tracks / page) TIDAL requests)."""
    album = session.album(album_id)
    tracks = fetch_all(lambda limit, offset: album.tracks(limit=limit, offset=offset), total=album.num_tracks)
    result = normalize.album(album, tracks)
    cache_tracks(result.tracks)
    return result
