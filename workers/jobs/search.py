"""Search jobs."""

from __future__ import annotations

import tidalapi
from tidalapi.album import Album
from tidalapi.artist import Artist
from tidalapi.media import Track
from tidalapi.playlist import Playlist

from shared import models
from workers import normalize
from workers.runtime import tidal_job

MODELS = {"tracks": Track, "albums": Album, "artists": Artist, "playlists": Playlist}


@tidal_job("search")
def search(session: tidalapi.Session, query: str, types: list[str], limit: int, offset: int) -> models.SearchResult:
    """One page of results per requested type (1 TIDAL request)."""
    found = session.search(query, models=[MODELS[t] for t in types], limit=limit, offset=offset)
    return models.SearchResult(
        query=query,
        limit=limit,
        offset=offset,
        tracks=[normalize.track(t) for t in found["tracks"]] if "tracks" in types else [],
        albums=[normalize.album_summary(a) for a in found["albums"]] if "albums" in types else [],
        artists=[normalize.artist_ref(a) for a in found["artists"]] if "artists" in types else [],
        playlists=[normalize.playlist_summary(p) for p in found["playlists"]] if "playlists" in types else [],
        top_hit=normalize.top_hit(found.get("top_hit")),
    )
