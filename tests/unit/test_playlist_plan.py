"""The pure planning rules of playlist changes (workers/playlist_plan.py)."""

from __future__ import annotations

import pytest

from workers.playlist_plan import (
    ADD_CHUNK,
    REMOVE_CHUNK,
    Item,
    PlanError,
    after_move,
    chunked,
    is_subsequence,
    plan_add,
    present_indices,
    removal_chunks,
    resolve_removal,
)


def items(*track_ids: int) -> list[Item]:
    return [Item(t, f"u{i}") for i, t in enumerate(track_ids)]


def test_add_skips_what_is_there_and_repeats_unless_duplicates_are_allowed():
    plan = plan_add([1, 2], [2, 3, 3, 4], position=None, allow_duplicates=False)
    assert (plan.tracks, plan.skipped, plan.position) == ([3, 4], [2, 3], None)
    plan = plan_add([1, 2], [2, 3, 3], position=1, allow_duplicates=True)
    assert (plan.tracks, plan.skipped, plan.position) == ([2, 3, 3], [], 1)


def test_a_position_past_the_end_appends():
    assert plan_add([1, 2], [3], position=2, allow_duplicates=False).position is None
    assert plan_add([1, 2], [3], position=99, allow_duplicates=False).position is None
    assert plan_add([1, 2], [3], position=0, allow_duplicates=False).position == 0


def test_removal_resolves_ids_and_indices_to_occurrences_and_explains_bad_indices():
    playlist = items(5, 6, 5, 7)
    assert resolve_removal(playlist, track_ids=[5]) == [playlist[0], playlist[2]]
    assert resolve_removal(playlist, track_ids=[7], indices=[1]) == [playlist[1], playlist[3]]
    with pytest.raises(PlanError, match="Index 4 is out of range: the playlist has 4 tracks"):
        resolve_removal(playlist, indices=[4])


def test_present_indices_follows_items_by_uuid_after_positions_shift():
    playlist = items(5, 6, 5, 7)
    targets = [playlist[2], playlist[3]]
    shifted = [Item(9, "new"), *playlist[1:]]  # the first item replaced by someone else
    assert present_indices(shifted, targets) == [2, 3]
    assert present_indices(playlist[:2], targets) == []  # already removed: nothing to remove again


def test_removal_chunks_go_highest_first_so_earlier_chunks_never_shift_later_ones():
    indices = list(range(REMOVE_CHUNK * 2 + 3))
    chunks = removal_chunks(indices)
    assert [len(c) for c in chunks] == [REMOVE_CHUNK, REMOVE_CHUNK, 3]
    assert chunks[0][0] > chunks[1][-1] > chunks[2][-1]
    playlist = list(range(len(indices) + 5))
    for chunk in chunks:
        playlist = [x for i, x in enumerate(playlist) if i not in set(chunk)]
    assert playlist == list(range(len(indices), len(indices) + 5))


def test_move_puts_the_items_before_the_item_at_to_index_as_tidal_does():
    assert after_move(list("abcdef"), [0, 1], 4) == list("cdabef")
    assert after_move(list("abcdef"), [4], 1) == list("aebcdf")
    assert after_move(list("abcdef"), [1, 3], 99) == list("acefbd")
    assert after_move(list("abcdef"), [2], 2) == list("abcdef")


def test_chunks_and_subsequences():
    assert [len(c) for c in chunked(list(range(250)), ADD_CHUNK)] == [100, 100, 50]
    assert is_subsequence([1, 3], [1, 2, 3]) and not is_subsequence([3, 1], [1, 2, 3])
