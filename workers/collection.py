"""The user's playlist library (TIDAL's v2 "my collection"): folders, own and favorited playlists.

TIDAL lists one folder at a time (``GET v2 my-collection/playlists/folders?folderId=…``), at most 50
items per page, paged by an opaque ``cursor`` that must be followed: the endpoint **ignores
``offset``**, so tidalapi 0.8.11's ``*_paginated`` helpers read page one over and over. Everything
here goes through tidalapi's own request layer (``session.request``), which adds the token, the
country and the session id, and refreshes an expired token.

Writes take query parameters, never a body. Items are named by TRN: ``trn:folder:<id>``,
``trn:playlist:<uuid>``.

Example::

    library = read_library(session)            # every folder, every playlist, folder paths resolved
    folder_id = create_folder(session, "Road trips", parent_id="root")
    move(session, [f"trn:playlist:{uuid}"], folder_id)
"""

from __future__ import annotations

from collections import deque
from typing import Any

import tidalapi

from shared import models
from workers import normalize
from workers.tidal_types import Method

ROOT = "root"
FOLDER_PAGE = 50  # TIDAL answers 400/1001 above 50
FOLDER_TRN = "trn:folder:"
PLAYLIST_TRN = "trn:playlist:"
_ENDPOINT = "my-collection/playlists/folders"


def v2(session: tidalapi.Session, method: Method, path: str, params: dict[str, Any]) -> Any:
    """One request to api.tidal.com/v2 through tidalapi; the JSON answer (or None when empty)."""
    response = session.request.request(method, path, params=params, base_url=session.config.api_v2_location)
    return response.json() if response.content else None


def folder_items(session: tidalapi.Session, folder_id: str, include: str = "") -> list[dict[str, Any]]:
    """Every item directly inside ``folder_id``, following TIDAL's cursor to the last page."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {
            "folderId": folder_id,
            "limit": FOLDER_PAGE,
            "order": "DATE",
            "orderDirection": "DESC",
            "includeOnly": include,
        }
        if cursor:
            params["cursor"] = cursor
        body = v2(session, "GET", _ENDPOINT, params) or {}
        page = body.get("items") or []
        items.extend(page)
        cursor = body.get("cursor")
        if not cursor or not page:
            return items


def read_library(session: tidalapi.Session) -> models.Library:
    """The whole tree, breadth first: every folder (with its path) and every playlist in it."""
    user_id = session.user.id if session.user is not None else None
    folders: list[models.Folder] = []
    playlists: list[models.LibraryPlaylist] = []
    paths = {ROOT: ""}
    pending = deque([ROOT])
    while pending:
        folder_id = pending.popleft()
        for item in folder_items(session, folder_id):
            data = item.get("data") or {}
            if item.get("itemType") == "FOLDER":
                ident = str(data.get("id") or item["trn"].removeprefix(FOLDER_TRN))
                name = str(item.get("name") or data.get("name") or "")
                paths[ident] = f"{paths[folder_id]}/{name}" if paths[folder_id] else name
                folders.append(
                    models.Folder(
                        id=ident,
                        name=name,
                        path=paths[ident],
                        parent_id=None if folder_id == ROOT else folder_id,
                        created=data.get("createdAt"),
                        item_count=int(data.get("totalNumberOfItems") or 0),
                    )
                )
                pending.append(ident)
            elif item.get("itemType") == "PLAYLIST" and data.get("uuid"):
                playlists.append(
                    _library_playlist(session, data, folder_id, paths[folder_id], user_id, item.get("addedAt"))
                )
    return models.Library(folders=folders, playlists=playlists)


def _library_playlist(
    session: tidalapi.Session, data: dict[str, Any], folder_id: str, path: str, user_id: int | None, added: str | None
) -> models.LibraryPlaylist:
    summary = normalize.playlist_summary(session.parse_playlist(data))
    own = summary.creator_id is not None and summary.creator_id == user_id
    public = data.get("publicPlaylist")
    if public is None and data.get("sharingLevel"):
        public = data["sharingLevel"] == "PUBLIC"
    return models.LibraryPlaylist(
        **summary.model_dump(),
        relation="own" if own else "favorite",
        folder_id=None if folder_id == ROOT else folder_id,
        folder_path=path or None,
        public=public,
        added_at=added,
    )


def create_folder(session: tidalapi.Session, name: str, parent_id: str) -> str:
    """Create a folder; returns its id."""
    body = v2(session, "PUT", f"{_ENDPOINT}/create-folder", {"name": name, "folderId": parent_id}) or {}
    data = body.get("data") or {}
    return str(data.get("id") or str(body.get("trn", "")).removeprefix(FOLDER_TRN))


def rename_folder(session: tidalapi.Session, folder_id: str, name: str) -> None:
    v2(session, "PUT", f"{_ENDPOINT}/rename", {"trn": FOLDER_TRN + folder_id, "name": name})


def move(session: tidalapi.Session, trns: list[str], folder_id: str) -> None:
    """Move playlists (or folders) into ``folder_id`` (``root`` for the top level)."""
    v2(session, "PUT", f"{_ENDPOINT}/move", {"folderId": folder_id, "trns": ",".join(trns)})


def remove(session: tidalapi.Session, trns: list[str]) -> None:
    """Remove items: a folder goes with everything in it (own playlists deleted, favorites dropped)."""
    v2(session, "PUT", f"{_ENDPOINT}/remove", {"trns": ",".join(trns)})


def create_playlist(session: tidalapi.Session, *, title: str, description: str, folder_id: str, public: bool) -> str:
    """Create an empty playlist in ``folder_id``; returns its uuid."""
    body = (
        v2(
            session,
            "PUT",
            f"{_ENDPOINT}/create-playlist",
            {
                "name": title,
                "description": description,
                "folderId": folder_id,
                "isPublic": "true" if public else "false",
            },
        )
        or {}
    )
    return str((body.get("data") or {}).get("uuid") or str(body.get("trn", "")).removeprefix(PLAYLIST_TRN))


def add_favorite_playlists(session: tidalapi.Session, uuids: list[str], folder_id: str = ROOT) -> None:
    v2(session, "PUT", f"{_ENDPOINT}/add-favorites", {"folderId": folder_id, "uuids": ",".join(uuids)})


def newest_playlists(session: tidalapi.Session, folder_id: str, title: str) -> list[str]:
    """Uuids of the playlists titled ``title`` among the newest page of ``folder_id`` (one request)."""
    body = (
        v2(
            session,
            "GET",
            _ENDPOINT,
            {
                "folderId": folder_id,
                "limit": FOLDER_PAGE,
                "order": "DATE",
                "orderDirection": "DESC",
                "includeOnly": "PLAYLIST",
            },
        )
        or {}
    )
    return [
        str(item["data"]["uuid"])
        for item in body.get("items") or []
        if (item.get("data") or {}).get("uuid") and (item.get("name") or item["data"].get("title")) == title
    ]


def newest_folders(session: tidalapi.Session, parent_id: str, name: str) -> list[str]:
    """Ids of the folders named ``name`` directly inside ``parent_id`` (newest page; one request)."""
    body = (
        v2(
            session,
            "GET",
            _ENDPOINT,
            {
                "folderId": parent_id,
                "limit": FOLDER_PAGE,
                "order": "DATE",
                "orderDirection": "DESC",
                "includeOnly": "FOLDER",
            },
        )
        or {}
    )
    return [str((item.get("data") or {}).get("id")) for item in body.get("items") or [] if item.get("name") == name]
