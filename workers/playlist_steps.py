"""Steps several playlist jobs share: reading a playlist the user owns, resolving ISRCs, creating
something exactly once.

**Create once.** TIDAL's create calls are not idempotent: a job killed after TIDAL created the
playlist but before it recorded the uuid would, on its rerun, create a second one. So before
creating, the step records which playlists (or folders) with the same title already sit at the top
of the target folder; a rerun that finds one more than recorded adopts it instead of creating again.

Example::

    uuid = create_once(session, write, "create", title="Road trip", description="", folder_id="root",
                       public=False)
"""

from __future__ import annotations

from collections.abc import Callable

import tidalapi
from tidalapi.exceptions import ObjectNotFound

from shared.errors import InvalidRequest, NotFound
from workers import collection
from workers import playlist_io as io
from workers.openapi import tracks_by_isrc
from workers.write_support import WriteJob


def playlist_state(session: tidalapi.Session, playlist_id: str, *, own: bool) -> io.PlaylistState:
    """The playlist in full; with ``own``, refused unless the logged-in user created it."""
    try:
        state = io.read_state(session, playlist_id)
    except ObjectNotFound:
        raise NotFound(
            f"TIDAL has no playlist {playlist_id} (or it is not available in this account's "
            "country). tidal_list_playlists lists yours."
        ) from None
    if own:
        require_owner(session, state)
    return state


def require_owner(session: tidalapi.Session, state: io.PlaylistState) -> None:
    user_id = session.user.id if session.user is not None else None
    if state.creator_id is None or state.creator_id != user_id:
        raise InvalidRequest(
            f"Playlist {state.uuid} ('{state.title}') belongs to someone else: only its owner can "
            "change it. tidal_copy_playlist makes a copy you can edit."
        )


def resolve_tracks(session: tidalapi.Session, track_ids: list[int], isrcs: list[str]) -> tuple[list[int], list[str]]:
    """Track ids to add, in the order asked (ids first, then ISRCs), and the ISRCs TIDAL does not know."""
    by_isrc = tracks_by_isrc(session, isrcs) if isrcs else {}
    unknown = [code for code in dict.fromkeys(isrcs) if code.upper() not in by_isrc]
    return [*track_ids, *(by_isrc[code.upper()] for code in isrcs if code.upper() in by_isrc)], unknown


def create_once(
    session: tidalapi.Session, write: WriteJob, step: str, *, title: str, description: str, folder_id: str, public: bool
) -> str:
    """Create the playlist of this step, or adopt the one an earlier run of the job created; its uuid."""
    return _once(
        write,
        step,
        folder_id,
        same=lambda: collection.newest_playlists(session, folder_id, title),
        create=lambda: collection.create_playlist(
            session, title=title, description=description, folder_id=folder_id, public=public
        ),
    )


def create_folder_once(session: tidalapi.Session, write: WriteJob, step: str, *, name: str, parent_id: str) -> str:
    """Create the folder of this step, or adopt the one an earlier run of the job created; its id."""
    return _once(
        write,
        step,
        parent_id,
        same=lambda: collection.newest_folders(session, parent_id, name),
        create=lambda: collection.create_folder(session, name, parent_id),
    )


def _once(
    write: WriteJob, step: str, folder_id: str, *, same: Callable[[], list[str]], create: Callable[[], str]
) -> str:
    record = write.record(step)
    progress = record.load() or {}
    if progress.get("id"):
        return str(progress["id"])
    try:
        if "existing" in progress:
            adopted = [ident for ident in same() if ident not in progress["existing"]]
            if adopted:  # an earlier run created it, then died before recording it
                progress["id"] = adopted[0]
                record.save(progress)
                return adopted[0]
        else:
            progress["existing"] = same()
            record.save(progress)
        created = create()
    except ObjectNotFound:
        raise NotFound(f"There is no folder {folder_id} in your library; tidal_list_folders lists them.") from None
    progress["id"] = created
    record.save(progress)
    return created
