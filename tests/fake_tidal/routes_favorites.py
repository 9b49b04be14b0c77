"""Favorites: GET lists, POST add (form ``trackId``/``trackIds``...), DELETE one id."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from . import shapes
from .catalog import Catalog, Favorite
from .common import int_path, paging, require_own_user, split_ids, state_of
from .errors import TidalError
from .shapes import JsonObj, page
from .state import FAVORITE_KINDS, now_ms

routes = web.RouteTableDef()

FIELD = {"tracks": "trackId", "albums": "albumId", "artists": "artistId"}
KIND_NAME = {"tracks": "Track", "albums": "Album", "artists": "Artist"}


def _kind(request: web.Request) -> str:
    kind = request.match_info["kind"]
    if kind not in FAVORITE_KINDS:
        raise TidalError(404, 2001, f"Path [{request.path}] not found")
    return kind


def _exists(catalog: Catalog, kind: str, item_id: int) -> bool:
    return item_id in {"tracks": catalog.tracks, "albums": catalog.albums, "artists": catalog.artists}[kind]


def _item_json(catalog: Catalog, kind: str) -> Callable[[int], JsonObj]:
    if kind == "tracks":
        return lambda i: shapes.track_json(catalog, catalog.tracks[i])
    if kind == "albums":
        return lambda i: shapes.album_json(catalog, catalog.albums[i])
    return lambda i: shapes.artist_json(catalog.artists[i])


def _sort_key(catalog: Catalog, kind: str, order: str) -> Callable[[Favorite], object]:
    """Sort keys for ``order`` (DATE, NAME, ARTIST, ALBUM, LENGTH, RELEASE_DATE)."""

    def name(f: Favorite) -> str:
        if kind == "tracks":
            return catalog.tracks[int(f.id)].title.lower()
        if kind == "albums":
            return catalog.albums[int(f.id)].title.lower()
        return catalog.artists[int(f.id)].name.lower()

    def track_or_album(f: Favorite):
        return catalog.tracks[int(f.id)] if kind == "tracks" else catalog.albums.get(int(f.id))

    keys: dict[str, Callable[[Favorite], object]] = {
        "DATE": lambda f: f.created_ms,
        "NAME": name,
        "ARTIST": lambda f: (
            catalog.main_artist(track_or_album(f).credits).name.lower() if kind != "artists" else name(f)
        ),
        "ALBUM": lambda f: (
            catalog.albums[catalog.tracks[int(f.id)].album_id].title.lower() if kind == "tracks" else name(f)
        ),
        "LENGTH": lambda f: track_or_album(f).duration if kind != "artists" else 0,
        "RELEASE_DATE": lambda f: (
            catalog.albums[track_or_album(f).album_id if kind == "tracks" else int(f.id)].release_date
            if kind != "artists"
            else ""
        ),
    }
    if order not in keys:
        raise TidalError(400, 1002, f"Invalid order [{order}]")
    return keys[order]


@routes.get("/v1/users/{user_id}/favorites/videos")
async def list_favorite_videos(request: web.Request) -> web.Response:
    """The emulated catalog has no videos (registered before ``{kind}`` so it wins)."""
    require_own_user(request)
    limit, offset = paging(request)
    return web.json_response(page([], limit, offset, 0))


@routes.get("/v1/users/{user_id}/favorites/{kind}")
async def list_favorites(request: web.Request) -> web.Response:
    """``{"limit","offset","totalNumberOfItems","items":[{"created","item"}]}``, newest first by default."""
    state = state_of(request)
    require_own_user(request)
    kind = _kind(request)
    limit, offset = paging(request)
    order = request.query.get("order", "DATE").upper()
    descending = request.query.get("orderDirection", "DESC").upper() == "DESC"
    catalog = state.catalog
    with state.lock:
        favorites = list(state.favorites[kind])
    favorites.sort(key=lambda f: (_sort_key(catalog, kind, order)(f), int(f.id)), reverse=descending)
    build = _item_json(catalog, kind)
    items = [shapes.favorite_json(f, build(int(f.id))) for f in favorites[offset : offset + limit]]
    return web.json_response(page(items, limit, offset, len(favorites)))


@routes.post("/v1/users/{user_id}/favorites/{kind}")
async def add_favorites(request: web.Request) -> web.Response:
    """Add ids from the form field ``trackId``/``trackIds`` (``albumId``/``artistId`` alike)."""
    state = state_of(request)
    require_own_user(request)
    kind = _kind(request)
    form = await request.post()
    field = FIELD[kind]
    raw_ids = split_ids(str(form.get(field) or form.get(field + "s") or ""))
    if not raw_ids:
        raise TidalError(400, 1002, f"Parameter [{field}] is required")
    ids: list[int] = []
    for raw in raw_ids:
        if not raw.isdigit() or not _exists(state.catalog, kind, int(raw)):
            raise TidalError(404, 2001, f"{KIND_NAME[kind]} [{raw}] not found")
        ids.append(int(raw))
    with state.lock:
        present = {int(f.id) for f in state.favorites[kind]}
        stamp = now_ms()
        for item_id in ids:
            if item_id not in present:
                state.favorites[kind].append(Favorite(item_id, stamp))
                present.add(item_id)
    return web.Response(status=200)


@routes.delete("/v1/users/{user_id}/favorites/{kind}/{item_id}")
async def remove_favorite(request: web.Request) -> web.Response:
    """Remove one id; 200 even when it was not a favorite, like TIDAL."""
    state = state_of(request)
    require_own_user(request)
    kind = _kind(request)
    item_id = int_path(request, "item_id", KIND_NAME[kind])
    with state.lock:
        state.favorites[kind] = [f for f in state.favorites[kind] if int(f.id) != item_id]
    return web.Response(status=200)
