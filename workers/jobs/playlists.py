"""Playlist jobs: reads, the library listing, and every playlist write.

Item changes (add, remove, move, clear, merge) run through :func:`workers.playlist_writer.change_items`
(crash-safe, ETag-checked, under the playlist's pool-wide lock); jobs made of several steps (copy =
create + add; restore = clear + add, or create + add) give each step its own progress record, so a
rerun skips the steps already done.
"""

from __future__ import annotations

import contextlib
from typing import Any

import tidalapi
from tidalapi.exceptions import ObjectNotFound

from shared import models, snapshots
from shared.errors import InvalidRequest, NotFound
from workers import collection, normalize
from workers import playlist_io as io
from workers.paging import fetch_all
from workers.playlist_steps import create_once, playlist_state, require_owner, resolve_tracks
from workers.playlist_writer import Add, Clear, Move, Remove, change_items, snapshot_of
from workers.runtime import cache_tracks, tidal_job
from workers.write_support import WriteJob, current_write, invalidate, library_key, playlist_keys


@tidal_job("playlist.get")
def get_playlist(session: tidalapi.Session, playlist_id: str) -> models.Playlist:
    """A playlist with every track, every page, in order (1-2 + ceil(tracks / page) requests)."""
    playlist = session.playlist(playlist_id)
    tracks = fetch_all(lambda limit, offset: playlist.tracks(limit=limit, offset=offset), total=playlist.num_tracks)
    result = normalize.playlist(playlist, tracks)
    cache_tracks(result.tracks)
    return result


@tidal_job("playlists.library")
def list_library(session: tidalapi.Session) -> models.Library:
    """Every folder and every own or favorited playlist, following TIDAL's cursor through every page."""
    return collection.read_library(session)


@tidal_job("playlist.create")
def create_playlist(
    session: tidalapi.Session,
    title: str,
    description: str = "",
    folder_id: str | None = None,
    public: bool = False,
    track_ids: list[int] | None = None,
    isrcs: list[str] | None = None,
) -> models.PlaylistInfo:
    """Create a playlist (in a folder), then add its first tracks (duplicates skipped)."""
    write = current_write()
    wanted, unknown = resolve_tracks(session, track_ids or [], isrcs or [])
    uuid = create_once(
        session,
        write,
        "create",
        title=title,
        description=description,
        folder_id=folder_id or collection.ROOT,
        public=public,
    )
    invalidate(write.client, library_key())
    change = None
    if wanted:
        change = change_items(session, write, "add", uuid, Add(wanted, None, allow_duplicates=False), dry_run=False)
        change.not_found = unknown
    return models.PlaylistInfo(
        playlist_id=uuid,
        title=title,
        description=description,
        public=public,
        folder_id=folder_id,
        track_count=change.track_count_after if change else 0,
        change=change,
        message=_unknown_isrcs(unknown),
    )


def _unknown_isrcs(unknown: list[str]) -> str:
    return f"TIDAL knows no track for {len(unknown)} ISRC(s): {', '.join(unknown[:20])}." if unknown else ""


@tidal_job("playlist.copy")
def copy_playlist(
    session: tidalapi.Session,
    playlist_id: str,
    title: str | None = None,
    description: str | None = None,
    folder_id: str | None = None,
    public: bool = False,
) -> models.PlaylistInfo:
    """A new playlist of yours with the same tracks in the same order (any playlist, editorial too)."""
    write = current_write()
    record = write.record("source")
    source = record.load()
    if source is None:  # fixed on the first run, so a rerun copies the same list
        state = playlist_state(session, playlist_id, own=False)
        source = {"title": state.title, "description": state.description, "track_ids": state.track_ids}
        record.save(source)
    new_title = title or f"{source['title']} (copy)"
    new_description = source["description"] if description is None else description
    uuid = create_once(
        session,
        write,
        "create",
        title=new_title,
        description=new_description,
        folder_id=folder_id or collection.ROOT,
        public=public,
    )
    invalidate(write.client, library_key())
    change = None
    if source["track_ids"]:
        change = change_items(
            session, write, "add", uuid, Add(source["track_ids"], None, allow_duplicates=True), dry_run=False
        )
    return models.PlaylistInfo(
        playlist_id=uuid,
        title=new_title,
        description=new_description,
        public=public,
        folder_id=folder_id,
        track_count=change.track_count_after if change else 0,
        change=change,
    )


@tidal_job("playlist.edit")
def edit_playlist(
    session: tidalapi.Session,
    playlist_id: str,
    title: str | None = None,
    description: str | None = None,
    dry_run: bool = False,
) -> models.PlaylistInfo:
    """Change a playlist's title and/or description (the old ones are kept in a snapshot)."""
    write = current_write()
    state = playlist_state(session, playlist_id, own=True)
    new_title = state.title if title is None else title
    new_description = state.description if description is None else description
    if dry_run or (new_title, new_description) == (state.title, state.description):
        same = (new_title, new_description) == (state.title, state.description)
        return models.PlaylistInfo(
            playlist_id=state.uuid,
            title=new_title,
            description=new_description,
            public=state.public,
            track_count=len(state.items),
            dry_run=dry_run,
            message="Nothing to change." if same else "Nothing was changed (dry run).",
        )
    record = write.record("edit")
    progress = record.load() or {"snapshot_id": snapshot_of(write.client, state, "edit")}
    record.save(progress)
    io.edit(session, state.uuid, title=new_title, description=new_description)
    invalidate(write.client, *playlist_keys(state.uuid))
    return models.PlaylistInfo(
        playlist_id=state.uuid,
        title=new_title,
        description=new_description,
        public=state.public,
        track_count=len(state.items),
        snapshot_id=progress["snapshot_id"],
    )


@tidal_job("playlist.visibility")
def set_visibility(session: tidalapi.Session, playlist_id: str, public: bool) -> models.PlaylistInfo:
    """Make a playlist public (anyone with the link, and the profile) or private."""
    state = playlist_state(session, playlist_id, own=True)
    if state.public != public:
        io.set_public(session, state.uuid, public)
        invalidate(current_write().client, *playlist_keys(state.uuid))
    return models.PlaylistInfo(
        playlist_id=state.uuid,
        title=state.title,
        description=state.description,
        public=public,
        track_count=len(state.items),
    )


@tidal_job("playlist.delete")
def delete_playlists(session: tidalapi.Session, playlist_ids: list[str], dry_run: bool = False) -> models.Deleted:
    """Delete playlists of yours, each after a snapshot (kept 8 days; tidal_restore_playlist)."""
    write = current_write()
    record = write.record("delete")
    progress = record.load() or {"snapshots": {}, "counts": {}}
    folders = {p.uuid: p.folder_id for p in collection.read_library(session).playlists}
    states = {}
    for uuid in dict.fromkeys(playlist_ids):
        if uuid in progress["snapshots"]:
            continue  # snapshotted by an earlier run: deleted then, or deleted now
        states[uuid] = playlist_state(session, uuid, own=True)  # every id checked before anything is deleted
    if dry_run:
        return models.Deleted(
            dry_run=True,
            deleted=list(states),
            track_counts={u: len(s.items) for u, s in states.items()},
            message="Nothing was deleted (dry run). A snapshot of each would be kept for 8 days.",
        )
    for uuid, state in states.items():
        progress["snapshots"][uuid] = snapshot_of(write.client, state, "delete", folder_id=folders.get(uuid))
        progress["counts"][uuid] = len(state.items)
        record.save(progress)
    for uuid in progress["snapshots"]:
        with contextlib.suppress(ObjectNotFound):  # deleted by an earlier run of this job
            io.delete(session, uuid)
    invalidate(write.client, *playlist_keys(*progress["snapshots"]))
    return models.Deleted(
        deleted=list(progress["snapshots"]),
        track_counts=progress["counts"],
        snapshot_ids=list(progress["snapshots"].values()),
        message="tidal_restore_playlist recreates any of them from its snapshot (kept 8 days).",
    )


@tidal_job("playlist.add")
def add_tracks(
    session: tidalapi.Session,
    playlist_id: str,
    track_ids: list[int] | None = None,
    isrcs: list[str] | None = None,
    position: int | None = None,
    allow_duplicates: bool = False,
    dry_run: bool = False,
) -> models.PlaylistChange:
    """Add tracks (by id and/or ISRC) at ``position`` or at the end, in TIDAL-sized chunks."""
    wanted, unknown = resolve_tracks(session, track_ids or [], isrcs or [])
    if not wanted:
        raise InvalidRequest("Nothing to add: " + (_unknown_isrcs(unknown) or "give track_ids or isrcs."))
    change = change_items(
        session, current_write(), "add", playlist_id, Add(wanted, position, allow_duplicates), dry_run=dry_run
    )
    change.not_found = unknown
    change.message = " ".join(m for m in (change.message, _unknown_isrcs(unknown)) if m)
    return change


@tidal_job("playlist.remove")
def remove_tracks(
    session: tidalapi.Session,
    playlist_id: str,
    track_ids: list[int] | None = None,
    indices: list[int] | None = None,
    dry_run: bool = False,
) -> models.PlaylistChange:
    """Remove every occurrence of ``track_ids`` and the items at ``indices`` (as the playlist is now)."""
    return change_items(
        session, current_write(), "remove", playlist_id, Remove(track_ids or [], indices or []), dry_run=dry_run
    )


@tidal_job("playlist.move")
def move_tracks(
    session: tidalapi.Session,
    playlist_id: str,
    to_index: int,
    track_ids: list[int] | None = None,
    indices: list[int] | None = None,
    dry_run: bool = False,
) -> models.PlaylistChange:
    """Move tracks (by id: every occurrence; or by index) so they sit, in order, before ``to_index``."""
    return change_items(
        session, current_write(), "move", playlist_id, Move(track_ids or [], indices or [], to_index), dry_run=dry_run
    )


@tidal_job("playlist.clear")
def clear_playlist(session: tidalapi.Session, playlist_id: str, dry_run: bool = False) -> models.PlaylistChange:
    """Remove every track (after a snapshot)."""
    return change_items(session, current_write(), "clear", playlist_id, Clear(), dry_run=dry_run)


@tidal_job("playlist.merge")
def merge_playlists(
    session: tidalapi.Session,
    source_playlist_id: str,
    target_playlist_id: str,
    allow_duplicates: bool = False,
    dry_run: bool = False,
) -> models.PlaylistChange:
    """Append the source playlist's tracks to the target (a snapshot of the target is kept first)."""
    write = current_write()
    record = write.record("source")
    source = None if dry_run else record.load()
    if source is None:
        source = {"track_ids": playlist_state(session, source_playlist_id, own=False).track_ids}
        if not dry_run:
            record.save(source)
    if not source["track_ids"]:
        raise InvalidRequest(f"Playlist {source_playlist_id} is empty: nothing to merge.")
    return change_items(
        session,
        write,
        "add",
        target_playlist_id,
        Add(source["track_ids"], None, allow_duplicates),
        dry_run=dry_run,
        reason="merge",
    )


@tidal_job("playlist.restore")
def restore_playlist(session: tidalapi.Session, snapshot_id: str, dry_run: bool = False) -> models.PlaylistInfo:
    """Bring a playlist back as a snapshot has it: in place if it still exists, else as a new playlist."""
    write = current_write()
    snapshot = snapshots.get(write.client, snapshot_id)
    if snapshot is None:
        raise NotFound(
            f"There is no snapshot {snapshot_id} (snapshots are kept 8 days); tidal_list_snapshots lists them."
        )
    try:
        state: io.PlaylistState | None = io.read_state(session, snapshot["playlist_id"])
    except ObjectNotFound:
        state = None
    if state is not None:
        require_owner(session, state)
    wanted = [int(t) for t in snapshot["track_ids"]]
    if dry_run:
        return models.PlaylistInfo(
            playlist_id=state.uuid if state else None,
            title=snapshot["title"],
            description=snapshot["description"],
            public=snapshot.get("public"),
            folder_id=snapshot.get("folder_id"),
            track_count=len(wanted),
            dry_run=True,
            message=(
                f"Would replace the {len(state.items)} tracks now in the playlist with the "
                f"snapshot's {len(wanted)} (a snapshot of the current state is kept first)."
                if state
                else f"The playlist is gone: would create a new one with the snapshot's {len(wanted)} tracks."
            ),
        )
    if state is not None:
        return _restore_in_place(session, write, snapshot, state, wanted)
    uuid = create_once(
        session,
        write,
        "create",
        title=snapshot["title"],
        description=snapshot["description"] or "",
        folder_id=_existing_folder(session, snapshot.get("folder_id")),
        public=bool(snapshot.get("public")),
    )
    invalidate(write.client, library_key())
    change = (
        change_items(session, write, "add", uuid, Add(wanted, None, allow_duplicates=True), dry_run=False)
        if wanted
        else None
    )
    return models.PlaylistInfo(
        playlist_id=uuid,
        title=snapshot["title"],
        description=snapshot["description"],
        public=bool(snapshot.get("public")),
        folder_id=snapshot.get("folder_id"),
        track_count=change.track_count_after if change else 0,
        change=change,
        message=f"Recreated as a new playlist ({uuid}): TIDAL does not reuse a deleted playlist's id.",
    )


def _restore_in_place(
    session: tidalapi.Session, write: WriteJob, snapshot: dict[str, Any], state: io.PlaylistState, wanted: list[int]
) -> models.PlaylistInfo:
    cleared = change_items(session, write, "clear", state.uuid, Clear(), dry_run=False, reason="restore")
    if (state.title, state.description) != (snapshot["title"], snapshot["description"] or ""):
        io.edit(session, state.uuid, title=snapshot["title"], description=snapshot["description"] or "")
    change = (
        change_items(session, write, "add", state.uuid, Add(wanted, None, allow_duplicates=True), dry_run=False)
        if wanted
        else None
    )
    invalidate(write.client, *playlist_keys(state.uuid))
    return models.PlaylistInfo(
        playlist_id=state.uuid,
        title=snapshot["title"],
        description=snapshot["description"],
        public=state.public,
        track_count=change.track_count_after if change else 0,
        change=change,
        snapshot_id=cleared.snapshot_id,
        message="Restored in place; what it held just before is kept in a snapshot too.",
    )


def _existing_folder(session: tidalapi.Session, folder_id: str | None) -> str:
    """``folder_id`` if it still exists, else the top level."""
    if not folder_id:
        return collection.ROOT
    known = {f.id for f in collection.read_library(session).folders}
    return folder_id if folder_id in known else collection.ROOT
