"""Album jobs."""

from __future__ import annotations

import tidalapi
from tidalapi.exceptions import ObjectNotFound

from shared import models
from workers import normalize
from workers.paging import fetch_all
from workers.runtime import cache_tracks, tidal_job
from workers.tidal_types import media_id


@tidal_job("album.get")
def get_album(session: tidalapi.Session, album_id: int) -> models.Album:
    """An album with every track, all pages (1 + ceil(tracks / page) TIDAL requests)."""
    album = session.album(media_id(album_id))
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
    album = session.album(media_id(album_id))  # an unknown album is "not found"
    try:
        similar = album.similar()
    except ObjectNotFound:  # TIDAL answers 404 when it knows no similar album
        similar = []
    return models.AlbumList(items=[normalize.album_summary(a) for a in similar])


CREDITS_PAGE = 100  # TIDAL serves at most 100 album items per page


@tidal_job("album.credits")
def get_album_credits(session: tidalapi.Session, album_id: int) -> models.AlbumCreditList:
    """The album's own credits and every track's (1 + ceil(tracks / 100) requests)."""
    own = session.request.request("GET", f"albums/{album_id}/credits", params={"includeContributors": "true"})
    items: list[dict] = []
    offset, total = 0, None
    while total is None or offset < total:  # the offset advances by the page asked for (fetch_all's rule)
        body = session.request.request(
            "GET",
            f"albums/{album_id}/items/credits",
            params={"replace": "true", "includeContributors": "true", "limit": CREDITS_PAGE, "offset": offset},
        ).json()
        total = int(body.get("totalNumberOfItems") or 0)
        items += body.get("items") or []
        offset += CREDITS_PAGE
    rows: list[models.TrackCreditsRow] = []
    for entry in items:
        item = entry.get("item") or {}
        rows.append(
            models.TrackCreditsRow(
                track_id=int(item["id"]),
                title=str(item.get("title") or ""),
                track_number=int(item.get("trackNumber") or 0),
                volume_number=int(item.get("volumeNumber") or 1),
                credits=normalize.credits(entry.get("credits")),
            )
        )
    return models.AlbumCreditList(album_id=album_id, credits=normalize.credits(own.json()), items=rows)
