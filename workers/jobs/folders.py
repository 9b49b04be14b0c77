"""Folder jobs: create, rename, delete (own playlists inside are snapshotted first), move playlists.

Folders are listed with the library (``playlists.library``). Deleting a folder deletes the user's
own playlists inside it and every sub-folder, and drops the favorited ones, as TIDAL does; each own
playlist is snapshotted first, so tidal_restore_playlist can bring it back.
"""

from __future__ import annotations

import contextlib

import tidalapi
from tidalapi.exceptions import ObjectNotFound

from shared import models
from shared.errors import NotFound
from workers import collection
from workers.playlist_steps import create_folder_once, playlist_state
from workers.playlist_writer import snapshot_of
from workers.runtime import tidal_job
from workers.write_support import current_write, invalidate, library_key, playlist_keys


def _no_folder(folder_id: str) -> NotFound:
    return NotFound(f"There is no folder {folder_id} in your library; tidal_list_folders lists them.")


@tidal_job("folder.create")
def create_folder(
    session: tidalapi.Session, name: str, parent_id: str | None = None, playlist_ids: list[str] | None = None
) -> models.FolderChange:
    """Create a folder (inside ``parent_id``), optionally moving playlists into it."""
    write = current_write()
    folder_id = create_folder_once(session, write, "create", name=name, parent_id=parent_id or collection.ROOT)
    moved = list(dict.fromkeys(playlist_ids or []))
    if moved:
        _require_in_library(session, moved)
        collection.move(session, [collection.PLAYLIST_TRN + uuid for uuid in moved], folder_id)
    invalidate(write.client, library_key())
    return models.FolderChange(folder_id=folder_id, name=name, moved=moved)


@tidal_job("folder.rename")
def rename_folder(session: tidalapi.Session, folder_id: str, name: str) -> models.FolderChange:
    """Give a folder a new name."""
    try:
        collection.rename_folder(session, folder_id, name)
    except ObjectNotFound:
        raise _no_folder(folder_id) from None
    invalidate(current_write().client, library_key())
    return models.FolderChange(folder_id=folder_id, name=name)


@tidal_job("folder.move")
def move_playlists(
    session: tidalapi.Session, playlist_ids: list[str], folder_id: str | None = None
) -> models.FolderChange:
    """Move playlists of the library into a folder, or to the top level (``folder_id`` None)."""
    uuids = list(dict.fromkeys(playlist_ids))
    library = _require_in_library(session, uuids)
    target = folder_id or collection.ROOT
    if folder_id and folder_id not in {f.id for f in library.folders}:
        raise _no_folder(folder_id)
    collection.move(session, [collection.PLAYLIST_TRN + uuid for uuid in uuids], target)
    invalidate(current_write().client, library_key())
    return models.FolderChange(folder_id=folder_id, moved=uuids)


def _require_in_library(session: tidalapi.Session, uuids: list[str]) -> models.Library:
    library = collection.read_library(session)
    known = {p.uuid for p in library.playlists}
    missing = [u for u in uuids if u not in known]
    if missing:
        raise NotFound(
            f"Not in your library (neither yours nor a favorite): {', '.join(missing[:10])}. "
            "tidal_add_favorites adds someone else's playlist first."
        )
    return library


@tidal_job("folder.delete")
def delete_folder(session: tidalapi.Session, folder_id: str, dry_run: bool = False) -> models.FolderChange:
    """Delete a folder with its sub-folders; own playlists inside are deleted (after a snapshot each),
    favorited ones are dropped from the library."""
    write = current_write()
    record = write.record("delete")
    progress = record.load()
    if progress is None:
        library = collection.read_library(session)
        folders = {f.id: f for f in library.folders}
        if folder_id not in folders:
            raise _no_folder(folder_id)
        subtree = {folder_id}
        for folder in library.folders:  # breadth-first order: parents come before their children
            if folder.parent_id in subtree:
                subtree.add(folder.id)
        inside = [p for p in library.playlists if p.folder_id in subtree]
        progress = {
            "name": folders[folder_id].name,
            "folders": sorted(subtree),
            "own": [p.uuid for p in inside if p.relation == "own"],
            "favorites": [p.uuid for p in inside if p.relation != "own"],
            "snapshots": [],
        }
        if dry_run:
            return _folder_change(folder_id, progress, dry_run=True)
        for uuid in progress["own"]:
            state = playlist_state(session, uuid, own=True)
            progress["snapshots"].append(snapshot_of(write.client, state, "delete"))
        record.save(progress)
    with contextlib.suppress(ObjectNotFound):  # gone already: an earlier run of this job removed it
        collection.remove(session, [collection.FOLDER_TRN + folder_id])
    invalidate(write.client, *playlist_keys(*progress["own"], *progress["favorites"]))
    return _folder_change(folder_id, progress, dry_run=False)


def _folder_change(folder_id: str, progress: dict, dry_run: bool) -> models.FolderChange:  # type: ignore[type-arg]
    return models.FolderChange(
        folder_id=folder_id,
        name=progress["name"],
        dry_run=dry_run,
        deleted_folders=progress["folders"],
        deleted_playlists=progress["own"],
        unfavorited_playlists=progress["favorites"],
        snapshot_ids=progress["snapshots"],
        message="Nothing was deleted (dry run); each own playlist would be snapshotted first."
        if dry_run
        else "tidal_restore_playlist recreates any deleted playlist from its snapshot (kept 8 days).",
    )
