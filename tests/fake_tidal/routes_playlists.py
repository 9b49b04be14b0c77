"""v1 playlist routes: reads with ETag, item writes guarded by If-None-Match, edits, delete.

TIDAL uses ``If-None-Match`` as if it were ``If-Match``: an item write must echo the
playlist's current ETag (``"<lastUpdated ms>"``) or it gets 412/7002. Every write bumps
lastUpdated and so the ETag, which is returned on the write's response too.
"""

from __future__ import annotations

import uuid

from aiohttp import web

from . import shapes
from .common import current_user_id, form_int, paging, require_own_user, split_ids, state_of
from .errors import TidalError, not_found
from .model import PlaylistItem, format_ts
from .shapes import page
from .state import PlaylistState, State, now_ms

routes = web.RouteTableDef()

MAX_PLAYLIST_PAGE = 100
MAX_MIXED_PAGE = 50
ETAG_MISMATCH = "You must send the correct Etag value in the If-None-Match header to modify a playlist"


def get_playlist(state: State, request: web.Request) -> PlaylistState:
    """The playlist named by ``{uuid}`` (caller holds ``state.lock``), or 404/2001."""
    key = request.match_info["uuid"]
    playlist = state.playlists.get(key)
    if playlist is None:
        raise not_found("Playlist", key)
    return playlist


def owned_playlist(state: State, request: web.Request) -> PlaylistState:
    """A playlist the token's user may modify; 403 for someone else's."""
    playlist = get_playlist(state, request)
    if playlist.creator_id != current_user_id(request):
        raise TidalError(403, 4005, "You are not allowed to modify this playlist")
    return playlist


def check_etag(playlist: PlaylistState, request: web.Request) -> None:
    """412/7002 unless If-None-Match carries the current ETag (quoted or bare)."""
    sent = request.headers.get("If-None-Match", "").strip()
    if sent.removeprefix("W/").strip('"') != str(playlist.last_updated_ms):
        raise TidalError(412, 7002, ETAG_MISMATCH)


def parse_indices(request: web.Request, playlist: PlaylistState) -> list[int]:
    """The ``{indices}`` path segment (``0,3,4``); 400 when one is not a valid position."""
    raw = split_ids(request.match_info["indices"])
    try:
        indices = sorted({int(i) for i in raw})
    except ValueError:
        raise TidalError(400, 1002, f"Invalid item indices [{request.match_info['indices']}]") from None
    if not indices or indices[0] < 0 or indices[-1] >= len(playlist.items):
        raise TidalError(400, 1002, f"Item index out of bounds [{request.match_info['indices']}]")
    return indices


# -- reads --------------------------------------------------------------------------------


@routes.get("/v1/playlists/{uuid}")
async def playlist(request: web.Request) -> web.Response:
    """GET /v1/playlists/{uuid} with ``ETag: "<lastUpdated ms>"``."""
    state = state_of(request)
    with state.lock:
        found = get_playlist(state, request)
        return web.json_response(shapes.playlist_json(state.catalog, found), headers={"ETag": found.etag})


def _playlist_page(request: web.Request, wrap: bool) -> web.Response:
    state = state_of(request)
    limit, offset = paging(request, max_limit=MAX_PLAYLIST_PAGE)
    with state.lock:
        found = get_playlist(state, request)
        chosen = found.items[offset : offset + limit]
        items = []
        for index, item in enumerate(chosen, start=offset):
            obj = shapes.playlist_track_json(
                state.catalog, state.catalog.tracks[item.track_id], item.added_ms, index, item.item_uuid
            )
            items.append({"item": obj, "type": "track", "cut": None} if wrap else obj)
        body = page(items, limit, offset, len(found.items))
        return web.json_response(body, headers={"ETag": found.etag})


@routes.get("/v1/playlists/{uuid}/tracks")
async def playlist_tracks(request: web.Request) -> web.Response:
    """GET /v1/playlists/{uuid}/tracks: at most 100 per page, ETag header."""
    return _playlist_page(request, wrap=False)


@routes.get("/v1/playlists/{uuid}/items")
async def playlist_items(request: web.Request) -> web.Response:
    """GET /v1/playlists/{uuid}/items: ``{"item","type","cut"}`` entries, at most 100 per page."""
    return _playlist_page(request, wrap=True)


@routes.get("/v1/users/{user_id}/playlists")
async def user_playlists(request: web.Request) -> web.Response:
    """GET /v1/users/{id}/playlists: the user's own playlists."""
    state = state_of(request)
    user_id = require_own_user(request)
    limit, offset = paging(request)
    with state.lock:
        owned = state.user_playlists(user_id)
        items = [shapes.playlist_json(state.catalog, p) for p in owned[offset : offset + limit]]
    return web.json_response(page(items, limit, offset, len(owned)))


@routes.get("/v1/users/{user_id}/playlistsAndFavoritePlaylists")
async def playlists_and_favorites(request: web.Request) -> web.Response:
    """Own (USER_CREATED) then favorited (USER_FAVORITE) playlists; limit > 50 is a 400."""
    state = state_of(request)
    user_id = require_own_user(request)
    limit, offset = paging(request)
    if limit > MAX_MIXED_PAGE:
        raise TidalError(400, 1001, f"Too big page, max page size is [{MAX_MIXED_PAGE}]")
    with state.lock:
        entries = [("USER_CREATED", p.created_ms, p) for p in state.user_playlists(user_id)]
        entries += [
            ("USER_FAVORITE", fav.created_ms, state.playlists[str(fav.id)])
            for fav in state.favorite_playlists
            if str(fav.id) in state.playlists
        ]
        items = [
            {"type": kind, "created": format_ts(created), "playlist": shapes.playlist_json(state.catalog, p)}
            for kind, created, p in entries[offset : offset + limit]
        ]
    return web.json_response(page(items, limit, offset, len(entries)))


# -- item writes --------------------------------------------------------------------------

DUPE_MODES = ("ADD", "SKIP", "FAIL")


def _select_additions(
    state: State, target: PlaylistState, wanted: list[str], on_missing: str, on_dupes: str
) -> list[int]:
    """The track ids an add really inserts, in order.

    Unknown ids: skipped (``SKIP``) or 404 (``FAIL``). Tracks not licensed in the country are
    skipped silently whatever ``onArtifactNotFound`` says (TIDAL answers 200 without them).
    Duplicates (already present, or repeated in the request): added (``ADD``), skipped
    (``SKIP``) or the whole add refused with 409 (``FAIL``).
    """
    track_ids: list[int] = []
    for raw in wanted:
        track_id = int(raw) if raw.isdigit() else None
        if track_id is None or track_id not in state.catalog.tracks:
            if on_missing == "SKIP":
                continue
            raise not_found("Track", raw)
        if shapes.is_available(state.catalog, track_id):
            track_ids.append(track_id)
    present = {item.track_id for item in target.items}
    added: list[int] = []
    for track_id in track_ids:
        duplicate = track_id in present or track_id in added
        if duplicate and on_dupes == "FAIL":
            raise TidalError(409, 1002, f"Playlist already contains track [{track_id}]")
        if on_dupes == "ADD" or not duplicate:
            added.append(track_id)
    return added


@routes.post("/v1/playlists/{uuid}/items")
async def add_items(request: web.Request) -> web.Response:
    """Add ``trackIds`` (or merge ``fromPlaylistUuid``) at ``toIndex``; onDupes SKIP|ADD."""
    form = await request.post()
    state = state_of(request)
    with state.lock:
        target = owned_playlist(state, request)
        check_etag(target, request)
        if form.get("fromPlaylistUuid"):
            source = state.playlists.get(str(form["fromPlaylistUuid"]))
            if source is None:
                raise not_found("Playlist", form["fromPlaylistUuid"])
            wanted = [str(item.track_id) for item in source.items]
        else:
            wanted = split_ids(str(form.get("trackIds", "")))
        on_missing = str(form.get("onArtifactNotFound", "FAIL")).upper()
        on_dupes = str(form.get("onDupes", "FAIL")).upper()
        if on_missing not in ("SKIP", "FAIL") or on_dupes not in DUPE_MODES:
            raise TidalError(400, 1002, f"Invalid onArtifactNotFound [{on_missing}] or onDupes [{on_dupes}]")
        added = _select_additions(state, target, wanted, on_missing, on_dupes)
        position = min(form_int(form, "toIndex", len(target.items)), len(target.items))
        stamp = now_ms()
        new_items = [PlaylistItem(t, stamp, str(uuid.uuid4())) for t in added]
        target.items[position:position] = new_items
        target.touch()
        body = {"lastUpdated": target.last_updated_ms, "addedItemIds": added}
        return web.json_response(body, headers={"ETag": target.etag})


@routes.delete("/v1/playlists/{uuid}/items/{indices}")
async def remove_items(request: web.Request) -> web.Response:
    """Remove the items at the comma-separated indices."""
    state = state_of(request)
    with state.lock:
        target = owned_playlist(state, request)
        check_etag(target, request)
        doomed = set(parse_indices(request, target))
        target.items = [item for i, item in enumerate(target.items) if i not in doomed]
        target.touch()
        return web.json_response({"lastUpdated": target.last_updated_ms}, headers={"ETag": target.etag})


@routes.post("/v1/playlists/{uuid}/items/{indices}")
async def move_items(request: web.Request) -> web.Response:
    """Move the items at the indices so they sit before the item now at ``toIndex``.

    ``toIndex`` counts positions in the list before the move; ``>= len`` means the end.
    """
    form = await request.post()
    state = state_of(request)
    with state.lock:
        target = owned_playlist(state, request)
        check_etag(target, request)
        indices = parse_indices(request, target)
        to_index = min(form_int(form, "toIndex", len(target.items)), len(target.items))
        moving = [target.items[i] for i in indices]
        chosen = set(indices)
        kept = [item for i, item in enumerate(target.items) if i not in chosen]
        insert_at = sum(1 for i in range(to_index) if i not in chosen)
        target.items = kept[:insert_at] + moving + kept[insert_at:]
        target.touch()
        return web.json_response({"lastUpdated": target.last_updated_ms}, headers={"ETag": target.etag})


# -- playlist edits -----------------------------------------------------------------------


@routes.post("/v1/playlists/{uuid}")
async def edit_playlist(request: web.Request) -> web.Response:
    """Edit title/description (tidalapi sends no If-None-Match here)."""
    form = await request.post()
    state = state_of(request)
    with state.lock:
        target = owned_playlist(state, request)
        if "title" in form:
            title = str(form["title"]).strip()
            if not title:
                raise TidalError(400, 1002, "Playlist title must not be empty")
            target.title = title
        if "description" in form:
            target.description = str(form["description"])
        target.touch()
        return web.json_response(shapes.playlist_json(state.catalog, target), headers={"ETag": target.etag})


@routes.delete("/v1/playlists/{uuid}")
async def delete_playlist(request: web.Request) -> web.Response:
    """Delete an own playlist (204, like TIDAL)."""
    state = state_of(request)
    with state.lock:
        target = owned_playlist(state, request)
        del state.playlists[target.uuid]
    return web.Response(status=204)
