"""Album jobs."""

from __future__ import annotations

import tidalapi
from tidalapi.exceptions import ObjectNotFound

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


@tidal_job("album.review")
def get_album_review(session: tidalapi.Session, album_id: int) -> models.Text:
    """The album's review, link markup removed (1 request; none is "not found")."""
    body = session.request.request("GET", f"albums/{album_id}/review").json()
    return models.Text(id=album_id, text=normalize.plain_text(body.get("text") or ""), source=body.get("source"))


@tidal_job("album.similar")
def get_similar_albums(session: tidalapi.Session, album_id: int) -> models.AlbumList:
    """The albums TIDAL lists as similar (2 requests; none is an empty list)."""
    album = session.album(album_id)  # an unknown album is "not found"
    try:
        similar = album.similar()
    except ObjectNotFound:  # TIDAL answers 404 when it knows no similar album
        similar = []
    return models.AlbumList(items=[normalize.album_summary(a) for a in similar])
