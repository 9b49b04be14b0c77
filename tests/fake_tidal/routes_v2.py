"""api.tidal.com/v2 routes outside the folder tree: playlist visibility, public playlists, mixes.

Writes take query parameters, never a body. ``favorites/mixes`` pages by ``cursor``;
``user-playlists/{id}/public`` by ``limit``/``offset`` (what tidalapi 0.8.11 sends).
"""

from __future__ import annotations

import base64
import binascii

from aiohttp import web

from .catalog_extras import get_mix
from .common import int_param, int_path, paging, split_ids, state_of
from .errors import TidalError, not_found
from .model import Favorite
from .routes_playlists import owned_playlist
from .shapes_extra import mix_v2_json, public_playlist_entry
from .state import now_ms

routes = web.RouteTableDef()

MAX_V2_PAGE = 50
MIX_ORDERS = ("DATE", "NAME", "MIX_TYPE")


async def _set_public(request: web.Request, public: bool) -> web.Response:
    state = state_of(request)
    with state.lock:
        playlist = owned_playlist(state, request)
        playlist.public = public
        playlist.touch()
        return web.json_response({}, headers={"ETag": playlist.etag})


@routes.put("/v2/playlists/{uuid}/set-public")
async def set_public(request: web.Request) -> web.Response:
    """Make an own playlist public (it then shows in search and in the public list)."""
    return await _set_public(request, True)


@routes.put("/v2/playlists/{uuid}/set-private")
async def set_private(request: web.Request) -> web.Response:
    """Make an own playlist private."""
    return await _set_public(request, False)


@routes.get("/v2/user-playlists/{user_id}/public")
async def public_playlists(request: web.Request) -> web.Response:
    """A user's public playlists as ``{"playlist","followInfo","profile"}`` items (limit ≤ 50)."""
    state = state_of(request)
    user_id = int_path(request, "user_id", "User")
    if user_id != state.catalog.user.id and user_id not in state.extras.users:
        raise not_found("User", user_id)
    limit, offset = paging(request)
    if limit > MAX_V2_PAGE:
        raise TidalError(400, 1001, f"Too big page, max page size is [{MAX_V2_PAGE}]")
    with state.lock:
        public = [p for p in state.user_playlists(user_id) if p.public]
        items = [
            public_playlist_entry(state.catalog, p, followers=len(p.items) * 3 + p.popularity)
            for p in public[offset : offset + limit]
        ]
    following = offset + limit
    return web.json_response(
        {
            "items": items,
            "totalNumberOfItems": len(public),
            "cursor": str(following) if following < len(public) else None,
        }
    )


def _mix_cursor(request: web.Request) -> int:
    raw = request.query.get("cursor")
    if raw:
        try:
            return int(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode())
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise TidalError(400, 1002, f"Invalid cursor [{raw}]") from None
    return int_param(request, "offset", 0)


@routes.get("/v2/favorites/mixes")
async def favorite_mixes(request: web.Request) -> web.Response:
    """Favorite mixes as MixV2 objects with ``dateAdded``; ``order`` DATE|NAME|MIX_TYPE."""
    state = state_of(request)
    limit = int_param(request, "limit", MAX_V2_PAGE)
    if limit > MAX_V2_PAGE:
        raise TidalError(400, 1001, f"Too big page, max page size is [{MAX_V2_PAGE}]")
    order = request.query.get("order", "DATE").upper()
    if order not in MIX_ORDERS:
        raise TidalError(400, 1002, f"Invalid order [{order}]")
    descending = request.query.get("orderDirection", "DESC").upper() == "DESC"
    start = _mix_cursor(request)
    with state.lock:
        favorites = list(state.favorite_mixes)
    mixes = [(f, get_mix(state.catalog, str(f.id))) for f in favorites]
    keys = {
        "DATE": lambda fm: (fm[0].created_ms, fm[1].id),
        "NAME": lambda fm: (fm[1].title.lower(), fm[1].id),
        "MIX_TYPE": lambda fm: (fm[1].mix_type, fm[1].id),
    }
    mixes.sort(key=keys[order], reverse=descending)
    items = [mix_v2_json(mix, fav) for fav, mix in mixes[start : start + limit]]
    following = start + limit
    cursor = base64.urlsafe_b64encode(str(following).encode()).decode().rstrip("=") if following < len(mixes) else None
    return web.json_response({"items": items, "cursor": cursor, "lastModifiedAt": None})


def _mix_ids(request: web.Request) -> tuple[list[str], bool]:
    ids = split_ids(request.query.get("mixIds"))
    if not ids:
        raise TidalError(400, 1002, "Parameter [mixIds] is required")
    fail = request.query.get("onArtifactNotFound", "FAIL").upper() == "FAIL"
    return ids, fail


@routes.put("/v2/favorites/mixes/add")
async def add_mixes(request: web.Request) -> web.Response:
    """``mixIds`` (comma list), ``onArtifactNotFound`` FAIL (404) or SKIP; ``{"addedItems":[ids]}``."""
    state = state_of(request)
    ids, fail = _mix_ids(request)
    unknown = [m for m in ids if get_mix(state.catalog, m) is None]
    if unknown and fail:
        raise TidalError(404, 2001, f"Mix [{unknown[0]}] not found")
    added = []
    with state.lock:
        present = {str(f.id) for f in state.favorite_mixes}
        for mix in ids:
            if mix in unknown:
                continue
            if mix not in present:
                state.favorite_mixes.append(Favorite(mix, now_ms()))
                present.add(mix)
            added.append(mix)
    return web.json_response({"addedItems": added})


@routes.put("/v2/favorites/mixes/remove")
async def remove_mixes(request: web.Request) -> web.Response:
    """``mixIds``; answers ``{"deletedItems":[ids]}`` (ids that were favorites)."""
    state = state_of(request)
    ids, _ = _mix_ids(request)
    with state.lock:
        present = {str(f.id) for f in state.favorite_mixes}
        deleted = [m for m in ids if m in present]
        state.favorite_mixes[:] = [f for f in state.favorite_mixes if str(f.id) not in set(ids)]
    return web.json_response({"deletedItems": deleted})
