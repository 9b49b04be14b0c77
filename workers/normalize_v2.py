"""TIDAL's JSON:API resources (openapi v2) -> the plain-JSON summaries of :mod:`shared.models.batch`.

Field by field as the real captures show them (``openapi_v2_tracks.json``,
``openapi_v2_albums*.json``): ISO 8601 durations, popularity as 0..1, ``copyright.text``,
``availability`` lists, artwork files by size, ``externalLinks`` for the share URL.

Example::

    doc = openapi.multi_get(session, "tracks", "id", ["58756128"], include=TRACK_INCLUDE)
    track_summary(doc.data[0], doc)   # TrackSummary(id=58756128, title="7 Years", ...)
"""

from __future__ import annotations

import re
from typing import Any

from shared import models
from workers.openapi import Document

TRACK_INCLUDE = ("albums.coverArt", "artists")
ALBUM_INCLUDE = ("artists", "coverArt")
ARTIST_INCLUDE = ("profileArt",)

_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def seconds(duration: str | None) -> int | None:
    """``PT3M57S`` -> 237 (None when absent or unreadable)."""
    match = _DURATION.match(duration or "")
    if not duration or not match:
        return None
    days, hours, minutes, secs = (float(g) if g else 0.0 for g in match.groups())
    return int(round(days * 86400 + hours * 3600 + minutes * 60 + secs))


def _popularity(value: Any) -> int | None:
    return round(float(value) * 100) if isinstance(value, (int, float)) else None


def _copyright(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("text")
    return value if isinstance(value, str) else None


def _share_url(attributes: dict[str, Any], kind: str, ident: str) -> str:
    for link in attributes.get("externalLinks") or []:
        if (link.get("meta") or {}).get("type") == "TIDAL_SHARING" and link.get("href"):
            return str(link["href"])
    return f"https://tidal.com/browse/{kind}/{ident}"


def _picture(doc: Document, resource: dict[str, Any], relationship: str, size: int) -> str | None:
    """The artwork file closest to ``size`` px wide (at least that big when one is)."""
    for artwork in doc.related(resource, relationship):
        files = [f for f in (artwork.get("attributes") or {}).get("files") or [] if f.get("href")]
        if files:
            width = lambda f: int((f.get("meta") or {}).get("width") or 0)  # noqa: E731
            big_enough = [f for f in files if width(f) >= size]
            chosen = min(big_enough, key=width) if big_enough else max(files, key=width)
            return str(chosen["href"])
    return None


def _artist_refs(doc: Document, resource: dict[str, Any]) -> list[models.ArtistRef]:
    return [
        models.ArtistRef(id=int(a["id"]), name=(a.get("attributes") or {}).get("name") or "")
        for a in doc.related(resource, "artists")
    ]


def track_summary(resource: dict[str, Any], doc: Document) -> models.TrackSummary:
    """One ``tracks`` resource (with ``albums.coverArt`` and ``artists`` included)."""
    attrs = resource.get("attributes") or {}
    albums = doc.related(resource, "albums")
    album = None
    if albums:
        first = albums[0]
        album = models.AlbumRef(
            id=int(first["id"]),
            title=(first.get("attributes") or {}).get("title") or "",
            cover_url=_picture(doc, first, "coverArt", 320),
        )
    bpm = attrs.get("bpm")
    return models.TrackSummary(
        id=int(resource["id"]),
        title=attrs.get("title") or "",
        version=attrs.get("version"),
        duration_s=seconds(attrs.get("duration")) or 0,
        explicit=attrs.get("explicit"),
        popularity=_popularity(attrs.get("popularity")),
        isrc=attrs.get("isrc"),
        media_tags=list(attrs.get("mediaTags") or []),
        bpm=round(bpm) if isinstance(bpm, (int, float)) else None,
        key=attrs.get("key"),
        key_scale=attrs.get("keyScale"),
        copyright=_copyright(attrs.get("copyright")),
        available="STREAM" in (attrs.get("availability") or []),
        artists=_artist_refs(doc, resource),
        album=album,
        url=_share_url(attrs, "track", resource["id"]),
    )


def album_summary(resource: dict[str, Any], doc: Document) -> models.AlbumSummary:
    """One ``albums`` resource (with ``artists`` and ``coverArt`` included)."""
    attrs = resource.get("attributes") or {}
    return models.AlbumSummary(
        id=int(resource["id"]),
        title=attrs.get("title") or "",
        version=attrs.get("version"),
        type=attrs.get("albumType") or attrs.get("type"),
        artists=_artist_refs(doc, resource),
        release_date=attrs.get("releaseDate"),
        duration_s=seconds(attrs.get("duration")),
        number_of_tracks=attrs.get("numberOfItems"),
        number_of_volumes=attrs.get("numberOfVolumes"),
        explicit=attrs.get("explicit"),
        popularity=_popularity(attrs.get("popularity")),
        media_tags=list(attrs.get("mediaTags") or []),
        upc=attrs.get("barcodeId"),
        copyright=_copyright(attrs.get("copyright")),
        cover_url=_picture(doc, resource, "coverArt", 320),
        url=_share_url(attrs, "album", resource["id"]),
    )


def artist_summary(resource: dict[str, Any], doc: Document) -> models.ArtistSummary:
    """One ``artists`` resource (with ``profileArt`` included)."""
    attrs = resource.get("attributes") or {}
    return models.ArtistSummary(
        id=int(resource["id"]),
        name=attrs.get("name") or "",
        popularity=_popularity(attrs.get("popularity")),
        picture_url=_picture(doc, resource, "profileArt", 320),
        url=_share_url(attrs, "artist", resource["id"]),
    )
