"""The private api.tidal.com/v2 collection routes tidalapi 0.8.11 uses for playlists.

Writes take query parameters, never a body. The real folder listing is cursor-paginated and
ignores ``offset`` (python-tidal PR #403 landed after 0.8.11); the emulator does the same, so
``favorites.playlists_paginated()`` shows the real behaviour (page one, repeated).
"""

from __future__ import annotations

from aiohttp import web

from . import shapes
from .catalog import Favorite, format_ts
from .common import current_user_id, int_param, split_ids, state_of
from .errors import TidalError, not_found
from .routes_playlists import owned_playlist
from .shapes import JsonObj
from .state import PlaylistState, State, now_ms

routes = web.RouteTableDef()

ROOT = "root"
MAX_FOLDER_PAGE = 50
TRN_PREFIX = "trn:playlist:"


def _require_root(request: web.Request) -> None:
    folder = request.query.get("folderId", ROOT)
    if folder != ROOT:
        raise TidalError(404, 2001, f"Folder [{folder}] not found")


def folder_item(state: State, playlist: PlaylistState, added_ms: int) -> JsonObj:
    """One entry of a v2 folder listing (``data`` is the v1 playlist object)."""
    return {
        "trn": f"{TRN_PREFIX}{playlist.uuid}",
        "itemType": "PLAYLIST",
        "addedAt": format_ts(added_ms),
        "lastModifiedAt": format_ts(playlist.last_updated_ms),
        "name": playlist.title,
        "parent": None,
        "data": shapes.playlist_json(state.catalog, playlist),
    }


@routes.get("/v2/my-collection/playlists/folders")
async def list_root(request: web.Request) -> web.Response:
    """Own and favorited playlists in the root folder; ``cursor`` pages, ``offset`` is ignored."""
    state = state_of(request)
    _require_root(request)
    limit = int_param(request, "limit", MAX_FOLDER_PAGE)
    if limit > MAX_FOLDER_PAGE:
        raise TidalError(400, 1001, f"Too big page, max page size is [{MAX_FOLDER_PAGE}]")
    start = int(request.query["cursor"]) if request.query.get("cursor", "").isdigit() else 0
    order = request.query.get("order", "DATE").upper()
    descending = request.query.get("orderDirection", "DESC").upper() == "DESC"
    include = request.query.get("includeOnly", "PLAYLIST").upper()
    with state.lock:
        entries = [(p, p.created_ms) for p in state.user_playlists(current_user_id(request))]
        entries += [
            (state.playlists[str(f.id)], f.created_ms) for f in state.favorite_playlists if str(f.id) in state.playlists
        ]
        if include == "FOLDER":
            entries = []  # the emulated collection has no folders
        if order == "NAME":
            entries.sort(key=lambda e: (e[0].title.lower(), e[0].uuid), reverse=descending)
        else:
            entries.sort(key=lambda e: (e[1], e[0].uuid), reverse=descending)
        items = [folder_item(state, p, added) for p, added in entries[start : start + limit]]
        last_modified = max((p.last_updated_ms for p, _ in entries), default=now_ms())
    next_start = start + limit
    return web.json_response(
        {
            "lastModifiedAt": format_ts(last_modified),
            "items": items,
            "totalNumberOfItems": len(entries),
            "cursor": str(next_start) if next_start < len(entries) else None,
        }
    )


@routes.put("/v2/my-collection/playlists/folders/create-playlist")
async def create_playlist(request: web.Request) -> web.Response:
    """Query params ``name``, ``description``, ``folderId``; answers the new folder item."""
    state = state_of(request)
    _require_root(request)
    name = request.query.get("name", "").strip()
    if not name:
        raise TidalError(400, 1002, "Parameter [name] is required")
    public = request.query.get("isPublic", "false").lower() == "true"
    created = state.create_playlist(name, request.query.get("description", ""), public)
    with state.lock:
        return web.json_response(folder_item(state, created, created.created_ms))


@routes.put("/v2/my-collection/playlists/folders/add-favorites")
async def add_favorite_playlists(request: web.Request) -> web.Response:
    """Favorite playlists by ``uuids`` (comma list); answers ``{"addedItems":[{"trn"}]}``."""
    state = state_of(request)
    _require_root(request)
    uuids = split_ids(request.query.get("uuids"))
    if not uuids:
        raise TidalError(400, 1002, "Parameter [uuids] is required")
    added = []
    with state.lock:
        for key in uuids:
            if key not in state.playlists:
                raise not_found("Playlist", key)
        present = {str(f.id) for f in state.favorite_playlists}
        for key in uuids:
            if key not in present and state.playlists[key].creator_id != current_user_id(request):
                state.favorite_playlists.append(Favorite(key, now_ms()))
                present.add(key)
                added.append({"trn": f"{TRN_PREFIX}{key}"})
    return web.json_response({"addedItems": added})


@routes.put("/v2/my-collection/playlists/folders/remove")
async def remove_from_collection(request: web.Request) -> web.Response:
    """Remove ``trns``: a favorited playlist is unfavorited, an own playlist is deleted."""
    state = state_of(request)
    trns = split_ids(request.query.get("trns"))
    if not trns or not all(t.startswith(TRN_PREFIX) for t in trns):
        raise TidalError(400, 1002, "Parameter [trns] must list trn:playlist:<uuid> values")
    user_id = current_user_id(request)
    with state.lock:
        for key in (t.removeprefix(TRN_PREFIX) for t in trns):
            state.favorite_playlists = [f for f in state.favorite_playlists if str(f.id) != key]
            playlist = state.playlists.get(key)
            if playlist is not None and playlist.creator_id == user_id:
                del state.playlists[key]
    return web.json_response({})


async def _set_public(request: web.Request, public: bool) -> web.Response:
    state = state_of(request)
    with state.lock:
        playlist = owned_playlist(state, request)
        playlist.public = public
        playlist.touch()
        return web.json_response({}, headers={"ETag": playlist.etag})


@routes.put("/v2/playlists/{uuid}/set-public")
async def set_public(request: web.Request) -> web.Response:
    """Make an own playlist public (it then shows up in search)."""
    return await _set_public(request, True)


@routes.put("/v2/playlists/{uuid}/set-private")
async def set_private(request: web.Request) -> web.Response:
    """Make an own playlist private."""
    return await _set_public(request, False)
