"""Playlist jobs."""

from __future__ import annotations

import tidalapi

from shared import models
from workers import normalize
from workers.paging import fetch_all
from workers.runtime import cache_tracks, tidal_job


@tidal_job("playlist.get")
def get_playlist(session: tidalapi.Session, playlist_id: str) -> models.Playlist:
    """A playlist with every track, every page, in order (1-2 + ceil(tracks / page) requests)."""
    playlist = session.playlist(playlist_id)
    tracks = fetch_all(lambda limit, offset: playlist.tracks(limit=limit, offset=offset), total=playlist.num_tracks)
    result = normalize.playlist(playlist, tracks)
    cache_tracks(result.tracks)
    return result
