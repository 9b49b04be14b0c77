"""Favorites jobs: list every favorite of a kind, add many, remove many.

Where TIDAL keeps them: tracks, albums, artists and videos in v1 ``users/{id}/favorites/{kind}``
(pages of :data:`FAVORITES_PAGE`; TIDAL leaves unlicensed tracks out of a page but counts them, so
pages advance by the size asked for); playlists in the v2 collection (the library listing); mixes in
v2 ``favorites/mixes`` (cursor pages). Adds and removes are set operations - a rerun after a crash
changes nothing twice - and report what was already so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tidalapi
from tidalapi.exceptions import ObjectNotFound

from shared import models
from workers import collection, normalize
from workers.playlist_plan import chunked
from workers.runtime import cache_tracks, tidal_job
from workers.tidal_types import Method, me
from workers.write_support import current_write, favorites_keys, invalidate

V1_KINDS = ("tracks", "albums", "artists", "videos")
FAVORITES_PAGE = 1000  # TIDAL accepts 1000-10000 here (tidalapi.md, probe-notes)
MIX_PAGE = 50
WRITE_CHUNK = 50
ORDERS = {"newest": ("DATE", "DESC"), "oldest": ("DATE", "ASC"), "name": ("NAME", "ASC")}
_FIELD = {"tracks": "trackId", "albums": "albumId", "artists": "artistId", "videos": "videoId"}
_ID_TYPE = {"tracks": "TRACK", "albums": "ALBUM", "artists": "ARTIST", "videos": "VIDEO", "playlists": "PLAYLIST"}


def _v1(session: tidalapi.Session, method: Method, path: str, **kwargs: Any) -> Any:
    response = session.request.request(method, f"users/{me(session).id}/{path}", **kwargs)
    return response.json() if response.content else None


@tidal_job("favorites.list")
def list_favorites(session: tidalapi.Session, kind: str, order: str = "newest") -> models.FavoriteList:
    """Every favorite of ``kind``, every page, newest first, oldest first or by name."""
    if kind in V1_KINDS:
        return _v1_favorites(session, kind, order)
    if kind == "playlists":
        liked = [p for p in collection.read_library(session).playlists if p.relation == "favorite"]
        items = [models.Favorite(id=p.uuid, name=p.title, added_at=p.added_at) for p in liked]
    else:
        items = _mixes(session, order)
    if order == "name":
        items.sort(key=lambda f: f.name.lower())
    else:
        items.sort(key=lambda f: f.added_at or "", reverse=order == "newest")
    return models.FavoriteList(kind=kind, order=order, items=items)


def _v1_favorites(session: tidalapi.Session, kind: str, order: str) -> models.FavoriteList:
    sort, direction = ORDERS[order]
    items: list[models.Favorite] = []
    offset, total = 0, None
    while total is None or offset < total:
        body = _v1(
            session,
            "GET",
            f"favorites/{kind}",
            params={"limit": FAVORITES_PAGE, "offset": offset, "order": sort, "orderDirection": direction},
        )
        total = int(body.get("totalNumberOfItems") or 0)
        for entry in body.get("items") or []:
            items.append(_favorite(session, kind, entry.get("item") or {}, entry.get("created")))
        offset += FAVORITES_PAGE
    return models.FavoriteList(kind=kind, order=order, items=items, hidden=max(0, (total or 0) - len(items)))


def _favorite(session: tidalapi.Session, kind: str, item: dict[str, Any], created: str | None) -> models.Favorite:
    if kind == "tracks":
        track = normalize.track(session.parse_track(item))
        cache_tracks([track])
        return models.Favorite(
            id=str(track.id), name=track.title, artists=[a.name for a in track.artists], added_at=created
        )
    name = item.get("title") or item.get("name") or ""
    artists = [a.get("name", "") for a in item.get("artists") or []]
    return models.Favorite(id=str(item.get("id")), name=name, artists=artists, added_at=created)


def _mixes(session: tidalapi.Session, order: str) -> list[models.Favorite]:
    sort, direction = ORDERS[order]
    items: list[models.Favorite] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": MIX_PAGE, "order": sort, "orderDirection": direction}
        if cursor:
            params["cursor"] = cursor
        body = collection.v2(session, "GET", "favorites/mixes", params) or {}
        page = body.get("items") or []
        items += [
            models.Favorite(id=str(m["id"]), name=m.get("title") or "", added_at=m.get("dateAdded")) for m in page
        ]
        cursor = body.get("cursor")
        if not cursor or not page:
            return items


def _current_ids(session: tidalapi.Session, kind: str) -> set[str]:
    """Every id of ``kind`` that is a favorite now (one request, or the mix pages)."""
    if kind == "mixes":
        return {f.id for f in _mixes(session, "newest")}
    body = _v1(session, "GET", "favorites/ids") or {}
    return {str(i) for i in body.get(_ID_TYPE[kind]) or []}


@tidal_job("favorites.add")
def add_favorites(session: tidalapi.Session, kind: str, ids: list[str]) -> models.FavoritesChange:
    """Add favorites; ids already favorites are reported as unchanged, unknown ids as not found."""
    wanted = list(dict.fromkeys(ids))
    present = _current_ids(session, kind)
    todo = [i for i in wanted if i not in present]
    added, not_found = [], []
    for chunk in chunked(todo, WRITE_CHUNK):
        if kind == "mixes":
            body = (
                collection.v2(
                    session, "PUT", "favorites/mixes/add", {"mixIds": ",".join(chunk), "onArtifactNotFound": "SKIP"}
                )
                or {}
            )
            done = {str(m) for m in body.get("addedItems") or []}
            added += [m for m in chunk if m in done]
            not_found += [m for m in chunk if m not in done]
            continue
        ok, missing = _each_known(chunk, _adder(session, kind))
        added += ok
        not_found += missing
    invalidate(current_write().client, *favorites_keys(kind))
    return models.FavoritesChange(
        kind=kind, added=added, unchanged=[i for i in wanted if i in present], not_found=not_found
    )


def _adder(session: tidalapi.Session, kind: str) -> Callable[[list[str]], None]:
    if kind == "playlists":
        return lambda chunk: collection.add_favorite_playlists(session, chunk)
    return lambda chunk: _v1(session, "POST", f"favorites/{kind}", data={_FIELD[kind]: ",".join(chunk)})


def _each_known(chunk: list[str], send: Callable[[list[str]], None]) -> tuple[list[str], list[str]]:
    """Send ``chunk``; when TIDAL answers 404 (an unknown id in it), send the ids one by one."""
    try:
        send(chunk)
        return chunk, []
    except ObjectNotFound:
        if len(chunk) == 1:
            return [], chunk
    ok, missing = [], []
    for ident in chunk:
        good, bad = _each_known([ident], send)
        ok += good
        missing += bad
    return ok, missing


@tidal_job("favorites.remove")
def remove_favorites(
    session: tidalapi.Session, kind: str, ids: list[str], dry_run: bool = False
) -> models.FavoritesChange:
    """Remove favorites; ids that are not favorites are reported as unchanged."""
    wanted = list(dict.fromkeys(ids))
    present = _current_ids(session, kind)
    doomed = [i for i in wanted if i in present]
    unchanged = [i for i in wanted if i not in present]
    if dry_run:
        return models.FavoritesChange(
            kind=kind, dry_run=True, removed=doomed, unchanged=unchanged, message="Nothing was changed (dry run)."
        )
    for chunk in chunked(doomed, WRITE_CHUNK):
        if kind == "mixes":
            collection.v2(session, "PUT", "favorites/mixes/remove", {"mixIds": ",".join(chunk)})
        else:
            _v1(session, "DELETE", f"favorites/{kind}/{','.join(chunk)}")
    invalidate(current_write().client, *favorites_keys(kind))
    return models.FavoritesChange(kind=kind, removed=doomed, unchanged=unchanged)
