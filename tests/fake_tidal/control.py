"""The control API under /_control/ (JSON in, JSON out; never counted as TIDAL traffic)."""

from __future__ import annotations

import dataclasses
import json
import uuid
from typing import Any

from aiohttp import web

from . import shapes
from .common import FAULTS_KEY, state_of
from .errors import TidalError, not_found
from .faults import parse_fault_body
from .model import PlaylistItem
from .options import SUBSCRIPTIONS
from .state import now_ms

routes = web.RouteTableDef()


async def _body(request: web.Request) -> dict[str, Any]:
    """The JSON object body ({} when empty); 400 for anything else."""
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise TidalError(400, -1, "Body must be JSON") from None
    if not isinstance(body, dict):
        raise TidalError(400, -1, "Body must be a JSON object")
    return body


@routes.get("/_control/health")
async def health(request: web.Request) -> web.Response:
    """Liveness."""
    return web.json_response({"ok": True})


@routes.get("/_control/counters")
async def counters(request: web.Request) -> web.Response:
    """``{"total", "routes", "paths"}``."""
    return web.json_response(state_of(request).counters_json())


@routes.post("/_control/reset")
async def reset(request: web.Request) -> web.Response:
    """Zero the counters; ``{"state": true}`` also restores playlists, favorites and tokens
    (``"keep_tokens": true`` keeps the logins already issued)."""
    body = await _body(request)
    state = state_of(request)
    state.reset_counters()
    if body.get("state"):
        state.reset_mutable(keep_tokens=bool(body.get("keep_tokens")))
    return web.json_response({"ok": True, "state_reset": bool(body.get("state"))})


@routes.get("/_control/faults")
async def get_faults(request: web.Request) -> web.Response:
    """The active fault settings."""
    return web.json_response(request.app[FAULTS_KEY].settings.as_json())


@routes.post("/_control/faults")
async def set_faults(request: web.Request) -> web.Response:
    """Overlay the body on the command-line defaults and make it active."""
    injector = request.app[FAULTS_KEY]
    try:
        settings = parse_fault_body(await _body(request), injector.defaults)
    except (ValueError, TypeError) as exc:
        raise TidalError(400, -1, str(exc)) from None
    injector.configure(settings)
    return web.json_response(settings.as_json())


@routes.delete("/_control/faults")
async def clear_faults(request: web.Request) -> web.Response:
    """Back to the command-line defaults."""
    injector = request.app[FAULTS_KEY]
    injector.clear()
    return web.json_response(injector.settings.as_json())


@routes.post("/_control/tokens/expire")
async def expire_tokens(request: web.Request) -> web.Response:
    """Every issued access token expires now."""
    return web.json_response({"expired": state_of(request).expire_all_tokens()})


@routes.post("/_control/device/approve")
async def approve_device(request: web.Request) -> web.Response:
    """Approve one pending device login (``{"user_code": "..."}``) or all (``{}``)."""
    body = await _body(request)
    approved = state_of(request).approve_devices(body.get("user_code"))
    if body.get("user_code") and not approved:
        raise TidalError(404, 2001, f"Device code [{body['user_code']}] not found")
    return web.json_response({"approved": approved})


@routes.get("/_control/catalog")
async def catalog_summary(request: web.Request) -> web.Response:
    """Ids of everything in the (current) catalog, sorted ascending."""
    state = state_of(request)
    cat, ext = state.catalog, state.extras
    with state.lock:
        playlist_uuids = sorted(state.playlists)
        user_playlists = sorted(p.uuid for p in state.user_playlists(cat.user.id))
        folder_ids = sorted(state.collection.folders)
    return web.json_response(
        {
            "user_id": cat.user.id,
            "country_code": cat.user.country_code,
            "counts": {
                "tracks": len(cat.tracks),
                "albums": len(cat.albums),
                "artists": len(cat.artists),
                "playlists": len(playlist_uuids),
                "videos": len(ext.videos),
            },
            "track_ids": sorted(cat.tracks),
            "album_ids": sorted(cat.albums),
            "artist_ids": sorted(cat.artists),
            "playlist_uuids": playlist_uuids,
            "user_playlist_uuids": user_playlists,
            "unavailable_track_ids": sorted(ext.unavailable),
            "encrypted_track_ids": sorted(ext.encrypted),
            "video_ids": sorted(ext.videos),
            "other_user_ids": sorted(ext.users),
            "personal_mix_ids": list(ext.personal_mixes),
            "folder_ids": folder_ids,
            "genre_paths": [g.path for g in ext.genres],
            "mood_paths": [m.path for m in ext.moods],
        }
    )


def snapshot(state, kind: str, ident: str) -> dict[str, Any]:
    """The v1 JSON of one object plus its relationship ids (``state.lock`` is taken here)."""
    cat = state.catalog
    if kind == "playlist":
        with state.lock:
            playlist = state.playlists.get(ident)
            if playlist is None:
                raise not_found("Playlist", ident)
            obj = shapes.playlist_json(cat, playlist)
            obj["trackIds"] = [item.track_id for item in playlist.items]
            obj["etag"] = playlist.etag
            return obj
    numeric = int(ident) if ident.isdigit() else -1
    if kind == "track" and numeric in cat.tracks:
        return shapes.track_json(cat, cat.tracks[numeric])
    if kind == "album" and numeric in cat.albums:
        album = cat.albums[numeric]
        return {**shapes.album_json(cat, album), "trackIds": list(album.track_ids)}
    if kind == "artist" and numeric in cat.artists:
        top = sorted(
            (cat.tracks[t] for t in cat.tracks_by_artist.get(numeric, ())), key=lambda t: (-t.popularity, t.id)
        )
        return {
            **shapes.artist_json(cat.artists[numeric]),
            "topTrackIds": [t.id for t in top],
            "albumIds": list(cat.albums_by_artist.get(numeric, ())),
        }
    if kind not in {"track", "album", "artist"}:
        raise TidalError(404, 2001, f"Unknown kind [{kind}]")
    raise not_found(kind.capitalize(), ident)


@routes.get("/_control/snapshot/{kind}/{id}")
async def snapshot_route(request: web.Request) -> web.Response:
    """Exactly the v1 object TIDAL would serve, plus relationship ids."""
    return web.json_response(snapshot(state_of(request), request.match_info["kind"], request.match_info["id"]))


@routes.post("/_control/playlists/{uuid}")
async def mutate_playlist(request: web.Request) -> web.Response:
    """Edit a playlist as another app would: ``{"remove": [indices], "add": [track ids], "at": i,
    "title": ..., "description": ...}``; always bumps lastUpdated (and so the ETag).

    Removals apply first, then additions (any catalog track, even one not licensed in the country,
    as if it became unavailable after it was added). Answers the snapshot with the new ``etag``.
    """
    body = await _body(request)
    state = state_of(request)
    key = request.match_info["uuid"]
    with state.lock:
        playlist = state.playlists.get(key)
        if playlist is None:
            raise not_found("Playlist", key)
        doomed = {int(i) for i in body.get("remove", [])}
        if any(i < 0 or i >= len(playlist.items) for i in doomed):
            raise TidalError(400, 1002, "remove: index out of range")
        playlist.items = [item for i, item in enumerate(playlist.items) if i not in doomed]
        adding = [int(t) for t in body.get("add", [])]
        unknown = [t for t in adding if t not in state.catalog.tracks]
        if unknown:
            raise not_found("Track", unknown[0])
        at = min(int(body.get("at", len(playlist.items))), len(playlist.items))
        stamp = now_ms()
        playlist.items[at:at] = [PlaylistItem(t, stamp, str(uuid.uuid4())) for t in adding]
        if "title" in body:
            playlist.title = str(body["title"])
        if "description" in body:
            playlist.description = str(body["description"])
        playlist.touch()
    return web.json_response(snapshot(state, "playlist", key))


@routes.get("/_control/settings")
async def get_settings(request: web.Request) -> web.Response:
    """``{"subscription", "url_lifetime"}``."""
    return web.json_response(dataclasses.asdict(state_of(request).settings))


@routes.post("/_control/settings")
async def set_settings(request: web.Request) -> web.Response:
    """Change ``subscription`` (HIFI_PLUS, HIFI, FREE) or ``url_lifetime`` (seconds) until reset."""
    body = await _body(request)
    state = state_of(request)
    unknown = set(body) - {"subscription", "url_lifetime"}
    if unknown:
        raise TidalError(400, -1, f"unknown settings: {sorted(unknown)}")
    if "subscription" in body and body["subscription"] not in SUBSCRIPTIONS:
        raise TidalError(400, -1, f"subscription must be one of {list(SUBSCRIPTIONS)}")
    if "url_lifetime" in body and (not isinstance(body["url_lifetime"], int) or body["url_lifetime"] < 0):
        raise TidalError(400, -1, "url_lifetime must be an integer >= 0")
    with state.lock:
        for name, value in body.items():
            setattr(state.settings, name, value)
        return web.json_response(dataclasses.asdict(state.settings))
