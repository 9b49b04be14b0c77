"""Building blocks of v1 ``pages/*`` responses: the page envelope and one builder per module type.

Shapes follow v1_page_home.json (page envelope, PLAYLIST_LIST), v1_page_videos_VIDEO_LIST_module_
excerpt.json (module keys, VIDEO_LIST items), v1_page_mix_header_mix_object.json (MIX_HEADER) and
v1_page_mix_tracklist_items_excerpt.json (TRACK_LIST items). Module types are the ones tidalapi
0.8.11 parses; every page has at least one row (an empty page breaks tidalapi with KeyError).
"""

from __future__ import annotations

import base64
import json
from contextvars import ContextVar
from typing import Any

from . import shapes
from .catalog import Catalog
from .catalog_extras import Mix, Video
from .model import Album, Artist, Track
from .shapes import JsonObj
from .shapes_extra import mix_json, video_json
from .state import PlaylistState

PAGE_SIZE = 15
#: Items a module shows (``single-module-page`` raises it to show a whole list).
page_size: ContextVar[int] = ContextVar("page_size", default=PAGE_SIZE)


def opaque_id(**fields: Any) -> str:
    """A base64 JSON id like TIDAL's page and module ids."""
    return base64.b64encode(json.dumps(fields, separators=(",", ":")).encode()).decode()


def page(title: str, slug: str, modules: list[JsonObj]) -> JsonObj:
    """``{"selfLink","id","title","rows":[{"modules":[m]}]}`` (one module per row, as TIDAL does)."""
    return {
        "selfLink": None,
        "id": opaque_id(p=slug, pV=1),
        "title": title,
        "rows": [{"modules": [module]} for module in modules],
    }


def module(kind: str, title: str, slug: str, index: int, listed: list[Any] | None, **extra: Any) -> JsonObj:
    """A module with the keys of the real VIDEO_LIST excerpt; ``listed=None`` means no pagedList."""
    obj: JsonObj = {
        "id": opaque_id(p=slug, m=index, t=kind),
        "type": kind,
        "width": 100,
        "scroll": "HORIZONTAL",
        "title": title,
        "description": "",
        "showMore": None,
    }
    size = page_size.get()
    items = listed
    if items is not None:
        obj["pagedList"] = {
            "dataApiPath": f"pages/data/{opaque_id(p=slug, m=index)}",
            "limit": size,
            "offset": 0,
            "totalNumberOfItems": len(items),
            "items": items[:size],
        }
        if len(items) > size:
            obj["showMore"] = {"title": "View all", "apiPath": f"pages/single-module-page/{slug}/{index}"}
    obj.update(
        {
            "supportsPaging": items is not None and len(items) > size,
            "showTableHeaders": kind == "TRACK_LIST",
            "listFormat": None,
            "layout": None,
            "quickPlay": False,
            "preTitle": None,
        }
    )
    obj.update(extra)
    return obj


def page_track(cat: Catalog, track: Track) -> JsonObj:
    """A track as pages list it (v1_page_mix_tracklist_items_excerpt.json: ``userId``, ``doublePopularity``)."""
    obj = shapes.track_json(cat, track)
    obj["artists"] = [{**a, "userId": None} for a in obj["artists"]]
    obj["artist"] = obj["artists"][0]
    obj["album"]["url"] = f"https://tidal.com/browse/album/{track.album_id}"
    obj["doublePopularity"] = track.popularity / 100
    return obj


def page_playlist(cat: Catalog, playlist: PlaylistState) -> JsonObj:
    """A playlist as PLAYLIST_LIST items carry it (v1_page_home.json adds ``creators``)."""
    obj = shapes.playlist_json(cat, playlist)
    obj["promotedArtists"] = [{**a, "userId": 0, "contributionLinkUrl": None} for a in obj["promotedArtists"]]
    obj["creators"] = []
    return obj


def tracks_module(cat: Catalog, title: str, slug: str, index: int, tracks: list[Track]) -> JsonObj:
    return module("TRACK_LIST", title, slug, index, [page_track(cat, t) for t in tracks])


def albums_module(cat: Catalog, title: str, slug: str, index: int, albums: list[Album]) -> JsonObj:
    return module("ALBUM_LIST", title, slug, index, [shapes.album_json(cat, a) for a in albums])


def artists_module(title: str, slug: str, index: int, artists: list[Artist]) -> JsonObj:
    return module("ARTIST_LIST", title, slug, index, [shapes.artist_json(a) for a in artists])


def playlists_module(cat: Catalog, title: str, slug: str, index: int, playlists: list[PlaylistState]) -> JsonObj:
    return module("PLAYLIST_LIST", title, slug, index, [page_playlist(cat, p) for p in playlists], playlistStyle=None)


def videos_module(cat: Catalog, title: str, slug: str, index: int, videos: list[Video]) -> JsonObj:
    return module("VIDEO_LIST", title, slug, index, [video_json(cat, v) for v in videos], scroll="VERTICAL")


def mixes_module(cat: Catalog, title: str, slug: str, index: int, mixes: list[Mix]) -> JsonObj:
    return module("MIX_LIST", title, slug, index, [mix_json(cat, m) for m in mixes])


def mixed_module(title: str, slug: str, index: int, entries: list[tuple[str, JsonObj]]) -> JsonObj:
    """MIXED_TYPES_LIST: ``{"type": "PLAYLIST"|"MIX"|"ALBUM", "item": {...}}`` entries."""
    return module("MIXED_TYPES_LIST", title, slug, index, [{"type": kind, "item": item} for kind, item in entries])


def links_module(kind: str, title: str, slug: str, index: int, links: list[tuple[str, str, str]]) -> JsonObj:
    """PAGE_LINKS / PAGE_LINKS_CLOUD: ``(title, apiPath, imageId)`` links."""
    items = [{"title": t, "icon": None, "apiPath": path, "imageId": image} for t, path, image in links]
    return module(kind, title, slug, index, items)


def promotions_module(title: str, slug: str, index: int, promos: list[tuple[str, str, str, str]]) -> JsonObj:
    """FEATURED_PROMOTIONS: ``(type, artifactId, header, imageId)`` promotions."""
    items = [
        {
            "header": header,
            "shortHeader": header,
            "shortSubHeader": kind.capitalize(),
            "imageId": image,
            "imageUrl": None,
            "type": kind,
            "artifactId": artifact,
            "text": f"New on TIDAL: {header}",
            "featured": position == 0,
        }
        for position, (kind, artifact, header, image) in enumerate(promos)
    ]
    return module("FEATURED_PROMOTIONS", title, slug, index, None, items=items)


def text_module(slug: str, index: int, text: str) -> JsonObj:
    return module("TEXT_BLOCK", "", slug, index, None, text=text, icon=None)
