"""Crash-safe, concurrency-safe changes to a playlist's items: add, remove, move, clear.

Every change runs under the playlist's pool-wide lock, from a progress record keyed by the job id
(:mod:`workers.write_support`), so a rerun - the same job requeued after its worker was killed -
picks up exactly where the confirmed work ends:

* **remove / clear**: the items are resolved once, on the first run, to TIDAL item uuids (which
  occurrence of a track, not which position). Every (re)run removes those still present, highest
  indices first. A rerun cannot remove a wrong track: positions are recomputed from the uuids each
  time.
* **move**: the moved items and the item they go before are kept as uuids; a rerun that finds them
  already in place does nothing.
* **add**: the tracks to send are fixed on the first run (duplicates dropped unless allowed) and go
  in TIDAL-sized chunks. Before each chunk the record says "sending chunk k on ETag E"; after it,
  what TIDAL added and the new ETag. A rerun compares the playlist's ETag and content with the
  record: chunk k not applied (same ETag) is sent again; applied (its tracks are where they should
  be) is confirmed without sending. So no track is added twice, and none is lost.

Concurrency: every item write carries the ETag of the state it was computed from. A 412 (someone
changed the playlist meanwhile - another app, or TIDAL's replica lag) means: re-read, recompute the
remaining change against the fresh state, retry - at most :data:`MAX_REPLANS` times. An outside edit
is never overwritten, because nothing is ever written from a stale state.

Example::

    change = change_items(session, current_write(), "add", uuid,
                          Add([1, 2, 3], position=None, allow_duplicates=False), dry_run=False)
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

import redis
import requests
import tidalapi

from shared import snapshots
from shared.errors import InvalidRequest, UpstreamUnavailable
from shared.models import PlaylistChange, TrackPlacement
from workers import playlist_io as io
from workers.playlist_plan import (
    ADD_CHUNK,
    Item,
    PlanError,
    after_move,
    is_subsequence,
    plan_add,
    present_indices,
    removal_chunks,
    resolve_removal,
)
from workers.playlist_steps import require_owner
from workers.write_support import WriteJob, WriteRecord, invalidate, playlist_keys, playlist_lock

log = logging.getLogger(__name__)

MAX_REPLANS = 5


@dataclass(frozen=True)
class Add:
    track_ids: list[int]
    position: int | None
    allow_duplicates: bool


@dataclass(frozen=True)
class Remove:
    track_ids: list[int]
    indices: list[int]


@dataclass(frozen=True)
class Move:
    track_ids: list[int]
    indices: list[int]
    to_index: int


@dataclass(frozen=True)
class Clear:
    pass


Change = Add | Remove | Move | Clear


class _Replan(Exception):
    """The playlist changed under us (412, or content that matches no step): read and plan again."""


def change_items(
    session: tidalapi.Session,
    write: WriteJob,
    step: str,
    playlist_id: str,
    change: Change,
    *,
    dry_run: bool,
    reason: str | None = None,
) -> PlaylistChange:
    """Apply ``change`` to the playlist (see module docstring) as step ``step`` of the running write job.

    ``reason`` names a snapshot to take first (removes and clears always take one).
    """
    client, record = write.client, write.record(step)
    with playlist_lock(client, playlist_id, wait=write.lock_wait):
        try:
            for _attempt in range(MAX_REPLANS):
                progress = record.load() or {}
                state = io.read_state(session, playlist_id)
                require_owner(session, state)
                try:
                    if not progress:
                        progress = _first_plan(change, state)
                        if dry_run:
                            return _preview(change, state, progress)
                        snapshot_reason = reason or (
                            "clear" if isinstance(change, Clear) else "remove" if isinstance(change, Remove) else None
                        )
                        if snapshot_reason:
                            progress["snapshot_id"] = snapshot_of(client, state, snapshot_reason)
                        record.save(progress)
                    return _run(session, record, progress, change, state)
                except _Replan:
                    log.info("the playlist changed meanwhile; planning the rest again", extra={"playlist": playlist_id})
                    continue
            raise UpstreamUnavailable(
                "The playlist kept changing while this request ran (another app is editing "
                "it); the change is partly done - read the playlist and retry."
            )
        except PlanError as exc:
            raise InvalidRequest(str(exc)) from None
        finally:
            if not dry_run:
                invalidate(client, *playlist_keys(playlist_id))


def snapshot_of(client: redis.Redis, state: io.PlaylistState, reason: str, folder_id: str | None = None) -> str:
    """Keep a copy of ``state`` before a destructive change; returns the snapshot id."""
    return snapshots.take(
        client,
        playlist_id=state.uuid,
        title=state.title,
        description=state.description,
        public=state.public,
        track_ids=state.track_ids,
        reason=reason,
        folder_id=folder_id,
    )


# -- first plan: fixed on the first run, kept in the record --------------------------------------


def _items_json(items: list[Item] | tuple[Item, ...]) -> list[list[Any]]:
    return [[item.track_id, item.item_uuid] for item in items]


def _items(raw: list[list[Any]]) -> list[Item]:
    return [Item(int(track_id), item_uuid) for track_id, item_uuid in raw]


def _first_plan(change: Change, state: io.PlaylistState) -> dict[str, Any]:
    before = len(state.items)
    if isinstance(change, Add):
        plan = plan_add(
            state.track_ids, change.track_ids, position=change.position, allow_duplicates=change.allow_duplicates
        )
        return {
            "kind": "add",
            "before": before,
            "tracks": plan.tracks,
            "position": plan.position,
            "allow_duplicates": change.allow_duplicates,
            "skipped": plan.skipped,
            "sent": 0,
            "added": [],
            "refused": [],
            "etag": state.etag,
            "base_len": before,
            "pending": None,
        }
    if isinstance(change, (Remove, Clear)):
        targets = (
            list(state.items)
            if isinstance(change, Clear)
            else resolve_removal(state.items, track_ids=change.track_ids, indices=change.indices)
        )
        positions = present_indices(state.items, targets)
        return {
            "kind": "remove",
            "before": before,
            "targets": _items_json(targets),
            "positions": [[state.items[i].track_id, i] for i in positions],
            "absent": _absent(change, state),
        }
    chosen = resolve_removal(state.items, track_ids=change.track_ids, indices=change.indices)
    if not chosen:
        raise PlanError("None of those tracks is in the playlist.")
    # the moved block goes before the first item that stays, at or after to_index (TIDAL's rule)
    chosen_at = set(present_indices(state.items, chosen))
    anchor = next((state.items[i] for i in range(change.to_index, before) if i not in chosen_at), None)
    return {
        "kind": "move",
        "before": before,
        "targets": _items_json(chosen),
        "anchor": _items_json([anchor])[0] if anchor else None,
        "absent": _absent(change, state),
    }


def _absent(change: Change, state: io.PlaylistState) -> list[str]:
    """Track ids the request names that are not in the playlist at all."""
    present = set(state.track_ids)
    wanted = getattr(change, "track_ids", [])
    return [str(t) for t in dict.fromkeys(wanted) if t not in present]


# -- running the rest of a plan --------------------------------------------------------------------


def _run(
    session: tidalapi.Session, record: WriteRecord, progress: dict[str, Any], change: Change, state: io.PlaylistState
) -> PlaylistChange:
    kind = progress["kind"]
    if kind == "add":
        return _run_add(session, record, progress, state)
    if kind == "remove":
        return _run_remove(session, record, progress, state)
    return _run_move(session, record, progress, state)


def _send(write, *args: Any, **kwargs: Any) -> Any:  # type: ignore[no-untyped-def]
    try:
        return write(*args, **kwargs)
    except requests.HTTPError as exc:
        if io.is_412(exc):
            raise _Replan() from None
        raise


def _run_remove(
    session: tidalapi.Session, record: WriteRecord, progress: dict[str, Any], state: io.PlaylistState
) -> PlaylistChange:
    targets = _items(progress["targets"])
    etag, items = state.etag, list(state.items)
    for chunk in removal_chunks(present_indices(items, targets)):
        etag = _send(io.remove_indices, session, state.uuid, etag, chunk)
        items = [item for i, item in enumerate(items) if i not in set(chunk)]
    return PlaylistChange(
        playlist_id=state.uuid,
        removed=[TrackPlacement(track_id=t, position=p) for t, p in progress["positions"]],
        track_count_before=progress["before"],
        track_count_after=len(items),
        not_found=progress["absent"],
        snapshot_id=progress.get("snapshot_id"),
    )


def _run_move(
    session: tidalapi.Session, record: WriteRecord, progress: dict[str, Any], state: io.PlaylistState
) -> PlaylistChange:
    items = list(state.items)
    indices, anchor_index, moved, placements = _move_plan(items, progress)
    if moved != items:  # a rerun after the move landed finds everything in place and sends nothing
        _send(io.move_indices, session, state.uuid, state.etag, indices, anchor_index)
    return PlaylistChange(
        playlist_id=state.uuid,
        moved=placements,
        track_count_before=progress["before"],
        track_count_after=len(moved),
        not_found=progress["absent"],
    )


def _move_plan(items: list[Item], progress: dict[str, Any]) -> tuple[list[int], int, list[Item], list[TrackPlacement]]:
    """Where the moved items are now, the index they go before, the list after, their final places."""
    targets = _items(progress["targets"])
    indices = present_indices(items, targets)
    found = present_indices(items, _items([progress["anchor"]])) if progress["anchor"] else []
    anchor_index = found[0] if found else len(items)
    moved = after_move(items, indices, anchor_index)
    placements = [TrackPlacement(track_id=moved[i].track_id, position=i) for i in present_indices(moved, targets)]
    return indices, anchor_index, moved, placements


def _run_add(
    session: tidalapi.Session, record: WriteRecord, progress: dict[str, Any], state: io.PlaylistState
) -> PlaylistChange:
    current = state.track_ids
    pending = progress["pending"]
    if pending is not None:
        if state.etag != pending["etag_before"]:
            landed = _landed(progress, pending, current)
            if landed is None:
                _replan_add(progress, current)
                record.save(progress)
                raise _Replan()
            _confirm(progress, pending, landed, state.etag)
        progress["pending"] = None
        record.save(progress)
    elif state.etag != progress["etag"]:
        _replan_add(progress, current)  # someone else changed the playlist since our last write
        record.save(progress)
    etag = state.etag
    tracks = progress["tracks"]
    while progress["sent"] < len(tracks):
        offset = progress["sent"]
        chunk = tracks[offset : offset + ADD_CHUNK]
        position = _next_position(progress)
        progress["pending"] = {
            "offset": offset,
            "size": len(chunk),
            "etag_before": etag,
            "position": position,
            "len_before": progress["base_len"] + len(progress["added"]),
        }
        record.save(progress)
        try:
            etag, added = _send(
                io.add_tracks, session, state.uuid, etag, chunk, position=position, allow_duplicates=True
            )  # duplicates were decided when planning
        except _Replan:
            progress["pending"] = None  # a 412 means TIDAL applied nothing of this chunk
            record.save(progress)
            raise
        _confirm(progress, progress["pending"], added, etag)
        progress["pending"] = None
        record.save(progress)
    start = progress["position"] if progress["position"] is not None else progress["base_len"]
    return PlaylistChange(
        playlist_id=state.uuid,
        added=[TrackPlacement(track_id=t, position=start + i) for i, t in enumerate(progress["added"])],
        skipped_duplicates=progress["skipped"],
        refused=progress["refused"],
        snapshot_id=progress.get("snapshot_id"),
        track_count_before=progress["before"],
        track_count_after=progress["base_len"] + len(progress["added"]),
    )


def _next_position(progress: dict[str, Any]) -> int | None:
    if progress["position"] is None:
        return None
    return progress["position"] + len(progress["added"])


def _confirm(progress: dict[str, Any], pending: dict[str, Any], added: list[int], etag: str) -> None:
    chunk = progress["tracks"][pending["offset"] : pending["offset"] + pending["size"]]
    refused = Counter(chunk) - Counter(added)
    progress["added"] += added
    progress["refused"] += list(refused.elements())
    progress["sent"] = pending["offset"] + pending["size"]
    progress["etag"] = etag


def _landed(progress: dict[str, Any], pending: dict[str, Any], current: list[int]) -> list[int] | None:
    """What of the pending chunk is in the playlist now, or None if the content says someone else wrote."""
    chunk = progress["tracks"][pending["offset"] : pending["offset"] + pending["size"]]
    grown = len(current) - pending["len_before"]
    if not 0 <= grown <= len(chunk):
        return None
    at = pending["position"] if pending["position"] is not None else pending["len_before"]
    segment = current[at : at + grown]
    # nothing new: the chunk did not land (or TIDAL refused all of it, and sending it again adds nothing)
    return segment if segment and is_subsequence(segment, chunk) else None


def _replan_add(progress: dict[str, Any], current: list[int]) -> None:
    """Recompute what is left to add against the playlist as it is now (after an outside change)."""
    left = progress["tracks"][progress["sent"] :]
    if progress["pending"] is not None:
        left = progress["tracks"][progress["pending"]["offset"] :]
    if not progress.get("allow_duplicates", False):
        present = set(current)
        progress["skipped"] += [t for t in left if t in present]
        left = [t for t in left if t not in present]
    position = _next_position(progress)
    progress.update(
        tracks=left,
        sent=0,
        pending=None,
        base_len=len(current) - len(progress["added"]),
        position=None if position is None else min(position, len(current)) - len(progress["added"]),
    )


def _preview(change: Change, state: io.PlaylistState, progress: dict[str, Any]) -> PlaylistChange:
    """What the change would do, computed on the current state, without doing it."""
    before = len(state.items)
    if progress["kind"] == "add":
        start = progress["position"] if progress["position"] is not None else before
        return PlaylistChange(
            playlist_id=state.uuid,
            dry_run=True,
            skipped_duplicates=progress["skipped"],
            added=[TrackPlacement(track_id=t, position=start + i) for i, t in enumerate(progress["tracks"])],
            track_count_before=before,
            track_count_after=before + len(progress["tracks"]),
            message="Nothing was changed (dry run). TIDAL may still refuse tracks not available in the country.",
        )
    if progress["kind"] == "remove":
        removed = [TrackPlacement(track_id=t, position=p) for t, p in progress["positions"]]
        return PlaylistChange(
            playlist_id=state.uuid,
            dry_run=True,
            removed=removed,
            track_count_before=before,
            track_count_after=before - len(removed),
            not_found=progress["absent"],
            message="Nothing was changed (dry run).",
        )
    placements = _move_plan(list(state.items), progress)[3]
    return PlaylistChange(
        playlist_id=state.uuid,
        dry_run=True,
        track_count_before=before,
        track_count_after=before,
        moved=placements,
        not_found=progress["absent"],
        message="Nothing was changed (dry run).",
    )
