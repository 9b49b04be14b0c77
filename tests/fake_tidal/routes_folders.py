"""api.tidal.com/v2 ``my-collection/playlists/folders``: the user's folder tree of playlists.

Writes are PUTs with query parameters (never a body). The listing pages by an opaque ``cursor``
and ignores ``offset`` (python-tidal PR #403 landed after 0.8.11, so 0.8.11's paginated helper
repeats page one against real TIDAL, and here). ``limit`` above 50 is a 400/1001.
"""

from __future__ import annotations

import base64
import binascii
import uuid

from aiohttp import web

from .collection import FOLDER_TRN, PLAYLIST_TRN, ROOT, Entry, folder_not_found
from .common import current_user_id, int_param, split_ids, state_of
from .errors import TidalError, not_found
from .model import Favorite, format_ts
from .shapes import JsonObj
from .shapes_extra import collection_item, folder_data, playlist_v2_data
from .state import State, now_ms

routes = web.RouteTableDef()

MAX_FOLDER_PAGE = 50
ORDERS = ("DATE", "NAME", "DATE_UPDATED")
INCLUDE = {"PLAYLIST": ("PLAYLIST",), "FOLDER": ("FOLDER",), "": ("FOLDER", "PLAYLIST")}


def entries(state: State, user_id: int) -> list[Entry]:
    """Every folder, own playlist and favorited playlist in the collection (caller holds the lock)."""
    found = [
        Entry(f.trn, "FOLDER", f.name, f.created_ms, f.last_modified_ms, f.id)
        for f in state.collection.folders.values()
    ]
    for p in state.user_playlists(user_id):
        found.append(Entry(PLAYLIST_TRN + p.uuid, "PLAYLIST", p.title, p.created_ms, p.last_updated_ms, p.uuid))
    for fav in state.favorite_playlists:
        p = state.playlists.get(str(fav.id))
        if p is not None:
            found.append(Entry(PLAYLIST_TRN + p.uuid, "PLAYLIST", p.title, fav.created_ms, p.last_updated_ms, p.uuid))
    return found


def children(state: State, user_id: int, folder_id: str) -> list[Entry]:
    """The entries directly inside ``folder_id``."""
    return [e for e in entries(state, user_id) if state.collection.parent_of(e.trn) == folder_id]


def item_json(state: State, user_id: int, entry: Entry) -> JsonObj:
    """A listing item for ``entry``."""
    parent = state.collection.parent_of(entry.trn)
    if entry.kind == "FOLDER":
        data = folder_data(state.collection.folders[entry.ref], len(children(state, user_id, entry.ref)))
    else:
        data = playlist_v2_data(state.catalog, state.playlists[entry.ref])
    return collection_item(entry, None if parent == ROOT else parent, data)


def _cursor(raw: str | None) -> int:
    if not raw:
        return 0
    try:
        return int(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise TidalError(400, 1002, f"Invalid cursor [{raw}]") from None


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode()).decode().rstrip("=")


def _sort_key(order: str):
    if order == "NAME":
        return lambda e: (e.name.lower(), e.trn)
    if order == "DATE_UPDATED":
        return lambda e: (e.modified_ms, e.trn)
    return lambda e: (e.added_ms, e.trn)


@routes.get("/v2/my-collection/playlists/folders")
async def list_folder(request: web.Request) -> web.Response:
    """``folderId``, ``includeOnly`` (PLAYLIST, FOLDER or empty for both), ``order``, ``cursor``."""
    state = state_of(request)
    folder_id = request.query.get("folderId", ROOT)
    include = request.query.get("includeOnly", "").upper()
    order = request.query.get("order", "DATE").upper()
    descending = request.query.get("orderDirection", "DESC").upper() == "DESC"
    limit = int_param(request, "limit", MAX_FOLDER_PAGE)
    if limit > MAX_FOLDER_PAGE:
        raise TidalError(400, 1001, f"Too big page, max page size is [{MAX_FOLDER_PAGE}]")
    if include not in INCLUDE or order not in ORDERS:
        raise TidalError(400, 1002, f"Invalid includeOnly [{include}] or order [{order}]")
    start = _cursor(request.query.get("cursor"))
    user_id = current_user_id(request)
    with state.lock:
        state.collection.require_folder(folder_id)
        found = [e for e in children(state, user_id, folder_id) if e.kind in INCLUDE[include]]
        found.sort(key=_sort_key(order), reverse=descending)
        found.sort(key=lambda e: e.kind != "FOLDER")  # folders first, each group in the asked order
        items = [item_json(state, user_id, e) for e in found[start : start + limit]]
        if folder_id == ROOT:
            modified = max((e.modified_ms for e in entries(state, user_id)), default=now_ms())
        else:
            modified = state.collection.folders[folder_id].last_modified_ms
    following = start + limit
    return web.json_response(
        {
            "lastModifiedAt": format_ts(modified),
            "items": items,
            "totalNumberOfItems": len(found),
            "cursor": _encode_cursor(following) if following < len(found) else None,
        }
    )


def _trns(request: web.Request) -> list[str]:
    trns = split_ids(request.query.get("trns"))
    if not trns or not all(t.startswith((FOLDER_TRN, PLAYLIST_TRN)) for t in trns):
        raise TidalError(400, 1002, "Parameter [trns] must list trn:folder:<id> or trn:playlist:<uuid> values")
    return trns


def _in_collection(state: State, user_id: int, trn: str) -> None:
    if trn not in {e.trn for e in entries(state, user_id)}:
        kind, _, ident = trn.removeprefix("trn:").partition(":")
        raise folder_not_found(ident) if kind == "folder" else not_found("Playlist", ident)


@routes.put("/v2/my-collection/playlists/folders/create-folder")
async def create_folder(request: web.Request) -> web.Response:
    """``name``, ``folderId`` (parent) and optional ``trns`` to move in; answers the new item."""
    state = state_of(request)
    name = request.query.get("name", "").strip()
    if not name:
        raise TidalError(400, 1002, "Parameter [name] is required")
    user_id = current_user_id(request)
    stamp = now_ms()
    with state.lock:
        moving = split_ids(request.query.get("trns"))
        for trn in moving:
            _in_collection(state, user_id, trn)
        folder = state.collection.create_folder(name, request.query.get("folderId", ROOT), str(uuid.uuid4()), stamp)
        for trn in moving:
            state.collection.place(trn, folder.id, stamp)
        entry = Entry(folder.trn, "FOLDER", folder.name, folder.created_ms, folder.last_modified_ms, folder.id)
        return web.json_response(item_json(state, user_id, entry))


@routes.put("/v2/my-collection/playlists/folders/rename")
async def rename_folder(request: web.Request) -> web.Response:
    """``trn`` (a folder) and ``name``."""
    state = state_of(request)
    trn = request.query.get("trn", "")
    name = request.query.get("name", "").strip()
    if not trn.startswith(FOLDER_TRN) or not name:
        raise TidalError(400, 1002, "Parameters [trn] (a folder) and [name] are required")
    with state.lock:
        folder = state.collection.folders.get(trn.removeprefix(FOLDER_TRN))
        if folder is None:
            raise folder_not_found(trn.removeprefix(FOLDER_TRN))
        folder.name = name
        state.collection.touch(folder.id, now_ms())
        entry = Entry(folder.trn, "FOLDER", folder.name, folder.created_ms, folder.last_modified_ms, folder.id)
        return web.json_response(item_json(state, current_user_id(request), entry))


@routes.put("/v2/my-collection/playlists/folders/move")
async def move_items(request: web.Request) -> web.Response:
    """Move ``trns`` (folders or playlists in the collection) into ``folderId``."""
    state = state_of(request)
    trns = _trns(request)
    target = request.query.get("folderId", ROOT)
    user_id = current_user_id(request)
    stamp = now_ms()
    with state.lock:
        state.collection.require_folder(target)
        for trn in trns:
            _in_collection(state, user_id, trn)
        for trn in trns:
            state.collection.place(trn, target, stamp)
    return web.json_response({})


def _drop_playlist(state: State, user_id: int, key: str) -> None:
    """Unfavorite a favorited playlist, delete an own one (caller holds the lock)."""
    state.favorite_playlists[:] = [f for f in state.favorite_playlists if str(f.id) != key]
    playlist = state.playlists.get(key)
    if playlist is not None and playlist.creator_id == user_id:
        del state.playlists[key]
    state.collection.forget(PLAYLIST_TRN + key)


@routes.put("/v2/my-collection/playlists/folders/remove")
async def remove_items(request: web.Request) -> web.Response:
    """Remove ``trns``: a folder goes with everything in it; own playlists are deleted."""
    state = state_of(request)
    trns = _trns(request)
    user_id = current_user_id(request)
    with state.lock:
        for trn in trns:
            if trn.startswith(FOLDER_TRN):
                state.collection.require_folder(trn.removeprefix(FOLDER_TRN))
        for trn in trns:
            if trn.startswith(PLAYLIST_TRN):
                _drop_playlist(state, user_id, trn.removeprefix(PLAYLIST_TRN))
                continue
            folder_id = trn.removeprefix(FOLDER_TRN)
            if folder_id not in state.collection.folders:
                continue  # already gone with an ancestor listed earlier
            doomed = state.collection.subtree(folder_id)
            for entry in entries(state, user_id):
                if entry.kind == "PLAYLIST" and state.collection.parent_of(entry.trn) in doomed:
                    _drop_playlist(state, user_id, entry.ref)
            parent = state.collection.folders[folder_id].parent
            for gone in doomed:
                del state.collection.folders[gone]
            state.collection.touch(parent, now_ms())
    return web.json_response({})


@routes.put("/v2/my-collection/playlists/folders/create-playlist")
async def create_playlist(request: web.Request) -> web.Response:
    """``name``, ``description``, ``folderId``, ``isPublic``; answers the new collection item."""
    state = state_of(request)
    name = request.query.get("name", "").strip()
    if not name:
        raise TidalError(400, 1002, "Parameter [name] is required")
    folder_id = request.query.get("folderId", ROOT)
    public = request.query.get("isPublic", "false").lower() == "true"
    user_id = current_user_id(request)
    with state.lock:
        state.collection.require_folder(folder_id)
        created = state.create_playlist(name, request.query.get("description", ""), public)
        trn = PLAYLIST_TRN + created.uuid
        state.collection.place(trn, folder_id, created.created_ms)
        entry = Entry(trn, "PLAYLIST", created.title, created.created_ms, created.last_updated_ms, created.uuid)
        return web.json_response(item_json(state, user_id, entry))


@routes.put("/v2/my-collection/playlists/folders/add-favorites")
async def add_favorite_playlists(request: web.Request) -> web.Response:
    """Favorite playlists by ``uuids`` into ``folderId``; answers ``{"addedItems":[{"trn"}]}``."""
    state = state_of(request)
    uuids = split_ids(request.query.get("uuids"))
    if not uuids:
        raise TidalError(400, 1002, "Parameter [uuids] is required")
    folder_id = request.query.get("folderId", ROOT)
    user_id = current_user_id(request)
    added = []
    stamp = now_ms()
    with state.lock:
        state.collection.require_folder(folder_id)
        for key in uuids:
            if key not in state.playlists:
                raise not_found("Playlist", key)
        present = {str(f.id) for f in state.favorite_playlists}
        for key in uuids:
            if key in present or state.playlists[key].creator_id == user_id:
                continue
            state.favorite_playlists.append(Favorite(key, stamp))
            state.collection.place(PLAYLIST_TRN + key, folder_id, stamp)
            present.add(key)
            added.append({"trn": PLAYLIST_TRN + key})
    return web.json_response({"addedItems": added})
