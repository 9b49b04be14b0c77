"""openapi.tidal.com/v2 (JSON:API): tracks by ISRC or id, albums by barcode.

tidalapi only uses ``tracks?filter[isrc]=`` and ``albums?filter[barcodeId]=`` and then reads
``data[].id``; a 400 must carry ``errors[0].detail`` or tidalapi raises KeyError.
"""

from __future__ import annotations

import base64
import re
import uuid

from aiohttp import web

from .catalog import Catalog
from .common import split_ids, state_of
from .errors import JSONAPI_CONTENT_TYPE, TidalError
from .model import Album, Track, format_date
from .shapes import JsonObj

routes = web.RouteTableDef()

ISRC_PATTERN = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
BARCODE_PATTERN = re.compile(r"^[0-9]{8,14}$")
MAX_FILTER_VALUES = 20


def _iso_duration(seconds: int) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"PT{minutes}M{secs}S" if minutes else f"PT{secs}S"


def _media_tags(quality: str) -> list[str]:
    return {"HI_RES_LOSSLESS": ["HIRES_LOSSLESS", "LOSSLESS"], "LOSSLESS": ["LOSSLESS"]}.get(quality, [])


def _relationship(kind: str, ident: int, name: str, data: list[JsonObj], country: str) -> JsonObj:
    """A JSON:API relationship object with its ``links.self``."""
    return {"data": data, "links": {"self": f"/{kind}/{ident}/relationships/{name}?countryCode={country}&locale=en-US"}}


def _artwork_id(cover: str) -> str:
    """A 20-character artwork id derived from a cover uuid (stable per album)."""
    return base64.urlsafe_b64encode(uuid.UUID(cover).bytes).decode()[:20]


def track_resource(catalog: Catalog, track: Track, country: str) -> JsonObj:
    """A JSON:API ``tracks`` resource like openapi_v2_tracks.json's ``data``."""
    return {
        "id": str(track.id),
        "type": "tracks",
        "attributes": {
            "title": track.title,
            "version": track.version,
            "isrc": track.isrc,
            "duration": _iso_duration(track.duration),
            "copyright": {"text": track.copyright},
            "explicit": track.explicit,
            "ai": False,
            "key": track.key,
            "keyScale": track.key_scale,
            "bpm": float(track.bpm) if track.bpm is not None else None,
            "popularity": round(track.popularity / 100, 6),
            "accessType": "PUBLIC",
            "availability": ["STREAM", "DJ"],
            "mediaTags": _media_tags(track.audio_quality),
            "toneTags": [],
            "externalLinks": [
                {"href": f"https://tidal.com/browse/track/{track.id}", "meta": {"type": "TIDAL_SHARING"}}
            ],
            "spotlighted": False,
            "createdAt": format_date(track.stream_start_ms) + "T00:00:00Z",
        },
        "relationships": {
            "albums": _relationship(
                "tracks", track.id, "albums", [{"id": str(track.album_id), "type": "albums"}], country
            ),
            "artists": _relationship(
                "tracks",
                track.id,
                "artists",
                [{"id": str(c.artist_id), "type": "artists"} for c in track.credits],
                country,
            ),
            "genres": _relationship(
                "tracks",
                track.id,
                "genres",
                [{"id": str(1 + track.credits[0].artist_id % 12), "type": "genres"}],
                country,
            ),
        },
    }


def album_resource(catalog: Catalog, album: Album, country: str) -> JsonObj:
    """A JSON:API ``albums`` resource (the attributes tidalapi and clients read)."""
    return {
        "id": str(album.id),
        "type": "albums",
        "attributes": {
            "title": album.title,
            "barcodeId": album.upc,
            "numberOfVolumes": album.number_of_volumes,
            "numberOfItems": len(album.track_ids),
            "duration": _iso_duration(album.duration),
            "explicit": album.explicit,
            "ai": False,
            "releaseDate": album.release_date,
            "copyright": {"text": album.copyright},
            "popularity": round(album.popularity / 100, 6),
            "accessType": "PUBLIC",
            "availability": ["STREAM", "DJ"],
            "mediaTags": _media_tags(album.audio_quality),
            "externalLinks": [
                {"href": f"https://tidal.com/browse/album/{album.id}", "meta": {"type": "TIDAL_SHARING"}}
            ],
            "type": "ALBUM",
            "albumType": album.album_type,
            "version": album.version,
            "createdAt": format_date(album.stream_start_ms) + "T00:00:00Z",
        },
        "relationships": {
            "artists": _relationship(
                "albums",
                album.id,
                "artists",
                [{"id": str(c.artist_id), "type": "artists"} for c in album.credits],
                country,
            ),
            "genres": _relationship("albums", album.id, "genres", [], country),
            "coverArt": _relationship(
                "albums", album.id, "coverArt", [{"id": _artwork_id(album.cover), "type": "artworks"}], country
            ),
        },
    }


def _filter_values(request: web.Request, name: str, pattern: re.Pattern[str]) -> list[str]:
    values = split_ids(",".join(request.query.getall(f"filter[{name}]", [])))
    if len(values) > MAX_FILTER_VALUES:
        raise TidalError(
            400,
            -1,
            f"filter[{name}] accepts at most {MAX_FILTER_VALUES} values",
            error="VALUE_TOO_LONG",
            parameter=f"filter[{name}]",
        )
    for value in values:
        if not pattern.match(value):
            raise TidalError(
                400,
                -1,
                f"filter[{name}] must match {pattern.pattern}",
                error="VALUE_REGEX_MISMATCH",
                parameter=f"filter[{name}]",
            )
    return values


def _document(data: list[JsonObj], request: web.Request) -> web.Response:
    return web.json_response(
        {"data": data, "links": {"self": request.rel_url.path_qs.removeprefix("/openapi/v2")}},
        content_type=JSONAPI_CONTENT_TYPE,
    )


@routes.get("/openapi/v2/tracks")
async def tracks(request: web.Request) -> web.Response:
    """GET tracks?filter[isrc]=A,B or filter[id]=1,2 (one resource per hit; none → empty data)."""
    catalog = state_of(request).catalog
    country = request.query.get("countryCode", "US")
    isrcs = _filter_values(request, "isrc", ISRC_PATTERN)
    ids = _filter_values(request, "id", re.compile(r"^[0-9]+$"))
    if not isrcs and not ids:
        raise TidalError(
            400, -1, "One of filter[isrc] or filter[id] is required", error="MISSING_PARAMETER", parameter="filter"
        )
    hits = [catalog.tracks_by_isrc[i] for i in isrcs if i in catalog.tracks_by_isrc]
    hits += [int(i) for i in ids if int(i) in catalog.tracks]
    return _document([track_resource(catalog, catalog.tracks[t], country) for t in dict.fromkeys(hits)], request)


@routes.get("/openapi/v2/albums")
async def albums(request: web.Request) -> web.Response:
    """GET albums?filter[barcodeId]=UPC or filter[id]=1,2."""
    catalog = state_of(request).catalog
    country = request.query.get("countryCode", "US")
    barcodes = _filter_values(request, "barcodeId", BARCODE_PATTERN)
    ids = _filter_values(request, "id", re.compile(r"^[0-9]+$"))
    if not barcodes and not ids:
        raise TidalError(
            400, -1, "One of filter[barcodeId] or filter[id] is required", error="MISSING_PARAMETER", parameter="filter"
        )
    hits = [catalog.albums_by_upc[b] for b in barcodes if b in catalog.albums_by_upc]
    hits += [int(i) for i in ids if int(i) in catalog.albums]
    return _document([album_resource(catalog, catalog.albums[a], country) for a in dict.fromkeys(hits)], request)
