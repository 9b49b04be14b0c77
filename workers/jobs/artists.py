"""Artist jobs."""

from __future__ import annotations

import tidalapi

from shared import models
from workers import normalize
from workers.runtime import cache_tracks, tidal_job

TOP_TRACKS = 20
ALBUMS = 100


@tidal_job("artist.get")
def get_artist(session: tidalapi.Session, artist_id: int) -> models.Artist:
    """An artist with their top tracks and albums (3 TIDAL requests)."""
    artist = session.artist(artist_id)
    top_tracks = artist.get_top_tracks(limit=TOP_TRACKS)
    albums = artist.get_albums(limit=ALBUMS)
    result = normalize.artist(artist, top_tracks, albums)
    cache_tracks(result.top_tracks)
    return result
