"""openapi.tidal.com/v2 (JSON:API): tracks by ISRC or id, albums by barcode.

tidalapi only uses ``tracks?filter[isrc]=`` and ``albums?filter[barcodeId]=`` and then reads
``data[].id``; a 400 must carry ``errors[0].detail`` or tidalapi raises KeyError.
"""

from __future__ import annotations

import re

from aiohttp import web

from .catalog import Album, Catalog, Track
from .common import split_ids, state_of
from .errors import JSONAPI_CONTENT_TYPE, TidalError
from .shapes import JsonObj

routes = web.RouteTableDef()

ISRC_PATTERN = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
BARCODE_PATTERN = re.compile(r"^[0-9]{8,14}$")
MAX_FILTER_VALUES = 20


def _iso_duration(seconds: int) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"PT{minutes}M{secs}S" if minutes else f"PT{secs}S"


def _links(kind: str, ident: int) -> JsonObj:
    return {"self": f"/{kind}/{ident}/relationships"}


def track_resource(catalog: Catalog, track: Track, country: str) -> JsonObj:
    """A JSON:API ``tracks`` resource like openapi_v2_tracks.json's ``data``."""
    suffix = f"?countryCode={country}&locale=en-US"
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
            "mediaTags": ["HIRES_LOSSLESS", "LOSSLESS"] if track.audio_quality == "HI_RES_LOSSLESS" else (
                ["LOSSLESS"] if track.audio_quality == "LOSSLESS" else []
            ),
            "toneTags": [],
            "externalLinks": [
                {"href": f"https://tidal.com/browse/track/{track.id}", "meta": {"type": "TIDAL_SHARING"}}
            ],
            "spotlighted": False,
            "createdAt": "2016-03-25T03:36:55Z",
        },
        "relationships": {
            "albums": {
                "data": [{"id": str(track.album_id), "type": "albums"}],
                "links": {"self": f"/tracks/{track.id}/relationships/albums{suffix}"},
            },
            "artists": {
                "data": [{"id": str(c.artist_id), "type": "artists"} for c in track.credits],
                "links": {"self": f"/tracks/{track.id}/relationships/artists{suffix}"},
            },
        },
    }


def album_resource(catalog: Catalog, album: Album, country: str) -> JsonObj:
    """A JSON:API ``albums`` resource (the attributes tidalapi and clients read)."""
    suffix = f"?countryCode={country}&locale=en-US"
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
            "releaseDate": album.release_date,
            "copyright": {"text": album.copyright},
            "popularity": round(album.popularity / 100, 6),
            "accessType": "PUBLIC",
            "availability": ["STREAM", "DJ"],
            "type": "ALBUM",
            "albumType": album.album_type,
            "version": album.version,
        },
        "relationships": {
            "artists": {
                "data": [{"id": str(c.artist_id), "type": "artists"} for c in album.credits],
                "links": {"self": f"/albums/{album.id}/relationships/artists{suffix}"},
            },
        },
    }


def _filter_values(request: web.Request, name: str, pattern: re.Pattern[str]) -> list[str]:
    values = split_ids(",".join(request.query.getall(f"filter[{name}]", [])))
    if len(values) > MAX_FILTER_VALUES:
        raise TidalError(400, -1, f"filter[{name}] accepts at most {MAX_FILTER_VALUES} values", error="VALUE_TOO_LONG", parameter=f"filter[{name}]")
    for value in values:
        if not pattern.match(value):
            raise TidalError(
                400, -1, f"filter[{name}] must match {pattern.pattern}", error="VALUE_REGEX_MISMATCH", parameter=f"filter[{name}]"
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
        raise TidalError(400, -1, "One of filter[isrc] or filter[id] is required", error="MISSING_PARAMETER", parameter="filter")
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
        raise TidalError(400, -1, "One of filter[barcodeId] or filter[id] is required", error="MISSING_PARAMETER", parameter="filter")
    hits = [catalog.albums_by_upc[b] for b in barcodes if b in catalog.albums_by_upc]
    hits += [int(i) for i in ids if int(i) in catalog.albums]
    return _document([album_resource(catalog, catalog.albums[a], country) for a in dict.fromkeys(hits)], request)
