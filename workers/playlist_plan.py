"""Pure planning of playlist item changes: what to send, in what order, and what the list becomes.

No I/O here, so every rule is unit-tested directly. A playlist's items are :class:`Item` (the track
and TIDAL's ``itemUuid``, which identifies one occurrence of a track for as long as it stays).

* **adds** go in chunks of :data:`ADD_CHUNK` (what TIDAL accepts per request); duplicates - of what is
  already there, or repeated in the request - are skipped unless asked for;
* **removes** are resolved, once, to item uuids (which occurrence, whatever happens to positions
  afterwards) and sent as index lists of :data:`REMOVE_CHUNK`, highest indices first, so an earlier
  chunk never shifts the indices of a later one;
* **moves** follow TIDAL's rule: the items go just before the item now at ``to_index`` (counted
  in the list before the move; past the end means at the end).

Example::

    plan = plan_add(current=[1, 2], wanted=[2, 3, 3], position=None, allow_duplicates=False)
    plan.tracks, plan.skipped       # ([3], [2, 3])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

ADD_CHUNK = 100
REMOVE_CHUNK = 50

T = TypeVar("T")


@dataclass(frozen=True)
class Item:
    """One entry of a playlist: a track, and TIDAL's id for this occurrence of it."""

    track_id: int
    item_uuid: str | None = None


@dataclass(frozen=True)
class AddPlan:
    """The tracks to send, in order; where (None: at the end); what is skipped as a duplicate."""

    tracks: list[int]
    position: int | None
    skipped: list[int]


def chunked(seq: Sequence[T], size: int) -> list[list[T]]:
    return [list(seq[i : i + size]) for i in range(0, len(seq), size)]


def plan_add(current: Sequence[int], wanted: Iterable[int], *, position: int | None, allow_duplicates: bool) -> AddPlan:
    """What an add sends (see module docstring); a position past the end means at the end."""
    tracks, skipped = [], []
    seen = set(current)
    for track_id in wanted:
        if not allow_duplicates and track_id in seen:
            skipped.append(track_id)
            continue
        tracks.append(track_id)
        seen.add(track_id)
    at = None if position is None or position >= len(current) else max(0, position)
    return AddPlan(tracks, at, skipped)


class PlanError(ValueError):
    """The request does not fit the playlist (an index out of range, ...); the message says why."""


def resolve_removal(items: Sequence[Item], *, track_ids: Iterable[int] = (), indices: Iterable[int] = ()) -> list[Item]:
    """The items a remove means: every occurrence of ``track_ids``, and the items at ``indices``."""
    wanted = set(track_ids)
    chosen = {i for i, item in enumerate(items) if item.track_id in wanted}
    for index in indices:
        if not 0 <= index < len(items):
            raise PlanError(
                f"Index {index} is out of range: the playlist has {len(items)} tracks (indices 0 to {len(items) - 1})."
            )
        chosen.add(index)
    return [items[i] for i in sorted(chosen)]


def present_indices(items: Sequence[Item], targets: Sequence[Item]) -> list[int]:
    """Where the target items are now (by item uuid; by track id when TIDAL gave no uuid)."""
    by_uuid = {item.item_uuid for item in targets if item.item_uuid}
    loose = [item.track_id for item in targets if not item.item_uuid]
    found = []
    for i, item in enumerate(items):
        if item.item_uuid in by_uuid:
            found.append(i)
        elif item.track_id in loose:
            loose.remove(item.track_id)
            found.append(i)
    return found


def removal_chunks(indices: Iterable[int]) -> list[list[int]]:
    """Index lists to send, highest first (earlier chunks never shift later ones)."""
    ordered = sorted(set(indices), reverse=True)
    return [sorted(chunk) for chunk in chunked(ordered, REMOVE_CHUNK)]


def after_remove(items: Sequence[T], indices: Iterable[int]) -> list[T]:
    doomed = set(indices)
    return [item for i, item in enumerate(items) if i not in doomed]


def after_add(items: Sequence[T], added: Sequence[T], position: int | None) -> list[T]:
    at = len(items) if position is None else min(position, len(items))
    return [*items[:at], *added, *items[at:]]


def after_move(items: Sequence[T], indices: Iterable[int], to_index: int) -> list[T]:
    """TIDAL's move: the items at ``indices`` go just before the item now at ``to_index``."""
    chosen = sorted(set(indices))
    to_index = min(to_index, len(items))
    moving = [items[i] for i in chosen]
    kept = after_remove(items, chosen)
    insert_at = sum(1 for i in range(to_index) if i not in set(chosen))
    return [*kept[:insert_at], *moving, *kept[insert_at:]]


def is_subsequence(part: Sequence[T], whole: Sequence[T]) -> bool:
    """Whether ``part`` appears in ``whole`` in order (not necessarily contiguously)."""
    remaining = iter(whole)
    return all(any(x == y for y in remaining) for x in part)
