"""v1 ``pages/*`` (see pages.py) and the v2 home feed ``home/feed/static``.

The v2 feed has no real capture: it carries what tidalapi 0.8.11's PageCategoryV2 parsers read
(``items[]`` of HORIZONTAL_LIST, SHORTCUT_LIST, TRACK_LIST, HORIZONTAL_LIST_WITH_CONTEXT, each with
``items[] = {"type", "data"}``).
"""

from __future__ import annotations

from aiohttp import web

from . import pages, shapes
from .common import int_path, state_of
from .errors import TidalError
from .page_modules import opaque_id, page_track
from .shapes import JsonObj
from .shapes_extra import mix_v2_json, video_json

routes = web.RouteTableDef()


def _page_not_found(slug: str) -> TidalError:
    return TidalError(404, 2001, f"Page [{slug}] not found")


@routes.get("/v1/pages/single-module-page/{slug}/{index}")
async def single_module_page(request: web.Request) -> web.Response:
    """The whole list behind a module's ``showMore``."""
    state = state_of(request)
    slug = request.match_info["slug"]
    found = pages.single_module(state, slug, int_path(request, "index", "Page"), request.query)
    if found is None:
        raise _page_not_found(slug)
    return web.json_response(found)


@routes.get("/v1/pages/{slug}")
async def page(request: web.Request) -> web.Response:
    """A v1 page (``deviceType`` is accepted and ignored)."""
    state = state_of(request)
    slug = request.match_info["slug"]
    with state.lock:
        found = pages.build(state, slug, request.query)
    if found is None:
        raise _page_not_found(slug)
    return web.json_response(found)


def _feed_module(kind: str, title: str, index: int, items: list[tuple[str, JsonObj]]) -> JsonObj:
    return {
        "type": kind,
        "moduleId": opaque_id(p="home-v2", m=index),
        "title": title,
        "subtitle": None,
        "description": None,
        "items": [{"type": item_type, "data": data} for item_type, data in items],
    }


@routes.get("/v2/home/feed/static")
async def home_feed(request: web.Request) -> web.Response:
    """The v2 home page (``deviceType``, ``locale``, ``platform`` accepted)."""
    state = state_of(request)
    cat, ext = state.catalog, state.extras
    with state.lock:
        editorial = sorted((p for p in state.playlists.values() if p.creator_id == 0), key=lambda p: -p.popularity)
        playlists = [("PLAYLIST", shapes.playlist_json(cat, p)) for p in editorial]
    mixes = [("MIX", mix_v2_json(mix)) for mix in ext.personal_mixes.values()]
    popular = sorted(cat.tracks.values(), key=lambda t: (-t.popularity, t.id))[:10]
    albums = sorted(cat.albums.values(), key=lambda a: (a.release_date, a.id), reverse=True)[:10]
    artists = sorted(cat.artists.values(), key=lambda a: (-a.popularity, a.id))[:10]
    videos = sorted(ext.videos.values(), key=lambda v: (-v.popularity, v.id))[:10]
    items = [
        _feed_module("SHORTCUT_LIST", "Shortcuts", 0, mixes[:3] + playlists[:3]),
        _feed_module("HORIZONTAL_LIST", "Your mixes", 1, mixes),
        _feed_module("TRACK_LIST", "Popular right now", 2, [("TRACK", page_track(cat, t)) for t in popular]),
        _feed_module(
            "HORIZONTAL_LIST_WITH_CONTEXT",
            "New albums",
            3,
            [("ALBUM", shapes.album_json(cat, a)) for a in albums]
            + [("ARTIST", shapes.artist_json(a)) for a in artists],
        ),
        _feed_module("HORIZONTAL_LIST", "Playlists", 4, playlists),
        _feed_module("HORIZONTAL_LIST", "Videos", 5, [("VIDEO", video_json(cat, v)) for v in videos]),
    ]
    return web.json_response({"items": items, "cursor": None})
