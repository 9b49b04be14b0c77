"""A user playlist's state and its item writes, over tidalapi's own request layer.

tidalapi's ``UserPlaylist`` methods re-read the whole playlist after every write (``_reparse``: one
more GET per chunk) and keep the ETag of that read; the writers here send exactly one request per
change and carry the ETag from the write's own answer. They go through ``session.request`` so
tidalapi still adds the session id, the country and the bearer token, and refreshes an expired
token (with the pool-wide refresh).

Example::

    state = read_state(session, uuid)          # 1 + ceil(items / 100) requests
    etag, added = add_tracks(session, uuid, state.etag, [1, 2], position=None, allow_duplicates=False)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
import tidalapi

from workers.playlist_plan import Item
from workers.tidal_types import Method, me

PAGE = 100


@dataclass(frozen=True)
class PlaylistState:
    """A playlist as read in one go: metadata, ETag and every item in order."""

    uuid: str
    etag: str
    title: str
    description: str
    public: bool | None
    creator_id: int | None
    items: tuple[Item, ...]

    @property
    def track_ids(self) -> list[int]:
        return [item.track_id for item in self.items]


def _v1(
    session: tidalapi.Session,
    method: Method,
    path: str,
    *,
    params: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    etag: str | None = None,
) -> requests.Response:
    headers = {"If-None-Match": etag} if etag else None
    return session.request.request(method, path, params=params, data=data, headers=headers)


def _v2(session: tidalapi.Session, method: Method, path: str, params: dict[str, Any]) -> requests.Response:
    return session.request.request(method, path, params=params, base_url=session.config.api_v2_location)


def read_state(session: tidalapi.Session, uuid: str) -> PlaylistState:
    """Metadata, ETag and every item (all pages); raises tidalapi's ObjectNotFound for an unknown uuid."""
    head = _v1(session, "GET", f"playlists/{uuid}")
    meta = head.json()
    total = int(meta.get("numberOfTracks") or 0) + int(meta.get("numberOfVideos") or 0)
    items: list[Item] = []
    etag = head.headers.get("ETag", "")
    offset = 0
    while offset < total:
        page = _v1(session, "GET", f"playlists/{uuid}/items", params={"limit": PAGE, "offset": offset})
        etag = page.headers.get("ETag", etag)
        for entry in page.json().get("items", []):
            item = entry.get("item") or {}
            if item.get("id") is not None:
                items.append(Item(int(item["id"]), item.get("itemUuid")))
        offset += PAGE
    creator = (meta.get("creator") or {}).get("id")
    return PlaylistState(
        uuid=uuid,
        etag=etag,
        title=meta.get("title") or "",
        description=meta.get("description") or "",
        public=meta.get("publicPlaylist"),
        creator_id=int(creator) if creator is not None else None,
        items=tuple(items),
    )


def add_tracks(
    session: tidalapi.Session,
    uuid: str,
    etag: str,
    track_ids: list[int],
    *,
    position: int | None,
    allow_duplicates: bool,
) -> tuple[str, list[int]]:
    """One add request; returns the new ETag and the track ids TIDAL added (it silently skips some)."""
    data: dict[str, Any] = {
        "trackIds": ",".join(map(str, track_ids)),
        "onArtifactNotFound": "SKIP",
        "onDupes": "ADD" if allow_duplicates else "SKIP",
    }
    if position is not None:
        data["toIndex"] = position
    response = _v1(session, "POST", f"playlists/{uuid}/items", data=data, etag=etag)
    added = response.json().get("addedItemIds") or []
    return response.headers.get("ETag", ""), [int(t) for t in added]


def remove_indices(session: tidalapi.Session, uuid: str, etag: str, indices: list[int]) -> str:
    """One remove request for the items at ``indices``; returns the new ETag."""
    response = _v1(session, "DELETE", f"playlists/{uuid}/items/{','.join(map(str, indices))}", etag=etag)
    return response.headers.get("ETag", "")


def move_indices(session: tidalapi.Session, uuid: str, etag: str, indices: list[int], to_index: int) -> str:
    """One move request (see :func:`workers.playlist_plan.after_move`); returns the new ETag."""
    response = _v1(
        session, "POST", f"playlists/{uuid}/items/{','.join(map(str, indices))}", data={"toIndex": to_index}, etag=etag
    )
    return response.headers.get("ETag", "")


def edit(session: tidalapi.Session, uuid: str, *, title: str, description: str) -> None:
    _v1(session, "POST", f"playlists/{uuid}", data={"title": title, "description": description})


def set_public(session: tidalapi.Session, uuid: str, public: bool) -> None:
    _v2(session, "PUT", f"playlists/{uuid}/{'set-public' if public else 'set-private'}", {})


def delete(session: tidalapi.Session, uuid: str) -> None:
    _v1(session, "DELETE", f"playlists/{uuid}")


def create(session: tidalapi.Session, *, title: str, description: str, folder_id: str | None) -> str:
    """Create an empty playlist (in a folder); returns its uuid."""
    playlist = me(session).create_playlist(title, description, folder_id or "root")
    return str(playlist.id)


def is_412(exc: BaseException) -> bool:
    """TIDAL refused a write because the ETag it carried is no longer current."""
    response = getattr(exc, "response", None)
    return isinstance(exc, requests.HTTPError) and response is not None and response.status_code == 412
