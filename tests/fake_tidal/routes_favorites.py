"""v1 favorites of every kind: tracks, albums, artists, videos, playlists.

``GET users/{id}/favorites/{kind}`` pages ``{"created","item"}`` entries (``order`` and
``orderDirection`` honoured); tracks not licensed in the country are left out of a page but still
counted in ``totalNumberOfItems``, as real TIDAL does (python-tidal#347). ``POST`` adds a comma
list from the singular or plural form field; ``DELETE .../{ids}`` removes one or a comma list
(200 even when an id was not a favorite).
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from . import shapes
from .collection import PLAYLIST_TRN
from .common import paging, require_own_user, split_ids, state_of
from .errors import TidalError
from .model import Favorite
from .shapes import JsonObj, page
from .shapes_extra import video_json
from .state import FAVORITE_KINDS, State, now_ms

routes = web.RouteTableDef()

#: kind → (singular form field; the plural adds "s"), object name in errors.
FIELD = {
    "tracks": ("trackId", "Track"),
    "albums": ("albumId", "Album"),
    "artists": ("artistId", "Artist"),
    "videos": ("videoId", "Video"),
    "playlists": ("uuid", "Playlist"),
}
#: The orders each kind accepts (tidalapi's ItemOrder, AlbumOrder, ArtistOrder, VideoOrder, PlaylistOrder).
ORDERS: dict[str, tuple[str, ...]] = {
    "tracks": ("DATE", "NAME", "ARTIST", "ALBUM", "LENGTH", "INDEX", "RELEASE_DATE"),
    "albums": ("DATE", "NAME", "ARTIST", "RELEASE_DATE"),
    "artists": ("DATE", "NAME"),
    "videos": ("DATE", "NAME", "ARTIST"),
    "playlists": ("DATE", "NAME"),
}
MAX_FAVORITES_PAGE = 10_000


def _kind(request: web.Request) -> str:
    kind = request.match_info["kind"]
    if kind not in FAVORITE_KINDS:
        raise TidalError(404, 2001, f"Path [{request.path}] not found")
    return kind


def _key(raw: str, kind: str) -> int | str:
    return raw if kind == "playlists" else int(raw)


def _exists(state: State, kind: str, item: int | str) -> bool:
    cat, ext = state.catalog, state.extras
    pools = {"tracks": cat.tracks, "albums": cat.albums, "artists": cat.artists, "videos": ext.videos}
    return item in state.playlists if kind == "playlists" else item in pools[kind]


def _item_json(state: State, kind: str) -> Callable[[int | str], JsonObj]:
    cat = state.catalog
    builders: dict[str, Callable[[int | str], JsonObj]] = {
        "tracks": lambda i: shapes.track_json(cat, cat.tracks[int(i)]),
        "albums": lambda i: shapes.album_json(cat, cat.albums[int(i)]),
        "artists": lambda i: shapes.artist_json(cat.artists[int(i)]),
        "videos": lambda i: video_json(cat, state.extras.videos[int(i)]),
        "playlists": lambda i: shapes.playlist_json(cat, state.playlists[str(i)]),
    }
    return builders[kind]


def _sort_key(state: State, kind: str, order: str) -> Callable[[Favorite], object]:
    """Sort key for ``order`` (ties broken by id by the caller)."""
    cat = state.catalog

    def obj(f: Favorite):
        if kind == "playlists":
            return state.playlists[str(f.id)]
        if kind == "videos":
            return state.extras.videos[int(f.id)]
        return {"tracks": cat.tracks, "albums": cat.albums, "artists": cat.artists}[kind][int(f.id)]

    def name(f: Favorite) -> str:
        o = obj(f)
        return str(getattr(o, "name", None) or o.title).lower()

    def artist(f: Favorite) -> str:
        o = obj(f)
        return cat.main_artist(o.credits).name.lower()

    def album(f: Favorite):
        return cat.albums[obj(f).album_id] if kind == "tracks" else obj(f)

    keys: dict[str, Callable[[Favorite], object]] = {
        "DATE": lambda f: f.created_ms,
        "INDEX": lambda f: f.created_ms,
        "NAME": name,
        "ARTIST": artist,
        "ALBUM": lambda f: album(f).title.lower(),
        "LENGTH": lambda f: obj(f).duration,
        "RELEASE_DATE": lambda f: album(f).release_date,
    }
    return keys[order]


@routes.get("/v1/users/{user_id}/favorites/ids")
async def favorite_ids(request: web.Request) -> web.Response:
    """Every favorite id per type, all as strings (``TRACK``, ``ALBUM``, ...)."""
    state = state_of(request)
    require_own_user(request)
    names = {"tracks": "TRACK", "albums": "ALBUM", "artists": "ARTIST", "videos": "VIDEO", "playlists": "PLAYLIST"}
    with state.lock:
        body = {names[k]: [str(f.id) for f in state.favorites[k]] for k in FAVORITE_KINDS}
    return web.json_response(body)


@routes.get("/v1/users/{user_id}/favorites/{kind}")
async def list_favorites(request: web.Request) -> web.Response:
    """``{"limit","offset","totalNumberOfItems","items":[{"created","item"}]}``, newest first by default."""
    state = state_of(request)
    require_own_user(request)
    kind = _kind(request)
    limit, offset = paging(request, max_limit=MAX_FAVORITES_PAGE)
    order = request.query.get("order", "DATE").upper()
    if order not in ORDERS[kind]:
        raise TidalError(400, 1002, f"Invalid order [{order}]")
    descending = request.query.get("orderDirection", "DESC").upper() == "DESC"
    with state.lock:
        favorites = [f for f in state.favorites[kind] if _exists(state, kind, f.id)]
        key = _sort_key(state, kind, order)
        favorites.sort(key=lambda f: (key(f), str(f.id)), reverse=descending)
        build = _item_json(state, kind)
        chosen = favorites[offset : offset + limit]
        if kind == "tracks":
            chosen = [f for f in chosen if shapes.is_available(state.catalog, int(f.id))]
        items = [shapes.favorite_json(f, build(f.id)) for f in chosen]
    return web.json_response(page(items, limit, offset, len(favorites)))


@routes.post("/v1/users/{user_id}/favorites/{kind}")
async def add_favorites(request: web.Request) -> web.Response:
    """Add ids from ``trackId``/``trackIds`` (``albumId``, ``artistId``, ``videoId(s)``, ``uuid(s)``)."""
    state = state_of(request)
    user_id = require_own_user(request)
    kind = _kind(request)
    form = await request.post()
    field, name = FIELD[kind]
    raw_ids = split_ids(str(form.get(field) or form.get(field + "s") or ""))
    if not raw_ids:
        raise TidalError(400, 1002, f"Parameter [{field}] is required")
    with state.lock:
        keys: list[int | str] = []
        for raw in raw_ids:
            if (kind != "playlists" and not raw.isdigit()) or not _exists(state, kind, _key(raw, kind)):
                raise TidalError(404, 2001, f"{name} [{raw}] not found")
            keys.append(_key(raw, kind))
        present = {f.id for f in state.favorites[kind]}
        stamp = now_ms()
        for key in keys:
            if key in present or (kind == "playlists" and state.playlists[str(key)].creator_id == user_id):
                continue
            state.favorites[kind].append(Favorite(key, stamp))
            present.add(key)
    return web.Response(status=200)


@routes.delete("/v1/users/{user_id}/favorites/{kind}/{item_ids}")
async def remove_favorites(request: web.Request) -> web.Response:
    """Remove one id or a comma list; 200 even when an id was not a favorite, like TIDAL."""
    state = state_of(request)
    require_own_user(request)
    kind = _kind(request)
    raw_ids = split_ids(request.match_info["item_ids"])
    if kind != "playlists" and not all(r.isdigit() for r in raw_ids):
        raise TidalError(404, 2001, f"{FIELD[kind][1]} [{request.match_info['item_ids']}] not found")
    doomed = {_key(r, kind) for r in raw_ids}
    with state.lock:
        state.favorites[kind][:] = [f for f in state.favorites[kind] if f.id not in doomed]
        if kind == "playlists":
            for key in doomed:
                state.collection.forget(PLAYLIST_TRN + str(key))
    return web.Response(status=200)
