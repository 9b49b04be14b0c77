"""Playlist writes under crashes and concurrent editors: a worker SIGKILLed mid-add, again and again;
an edit made outside the server between our read and our write.

TIDAL is slowed on the playlist item routes, both before it applies a request and after (the answer
held back), so each chunk of a large add is in flight long enough to kill its worker in either phase:
a chunk TIDAL never received, and a chunk TIDAL applied whose answer the worker never read. The final
playlist is checked item by item.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import pytest

from shared.queueing import CLAIMS
from shared.redis_conn import connect
from tests.support.processes import wait_until
from tests.support.stack import front, worker_pool

pytestmark = [pytest.mark.chaos, pytest.mark.anyio]

ITEMS_ROUTE = r"^/v1/playlists/[^/]+/items"


def tracks_of(control, uuid: str) -> list[int]:
    return control.get(f"snapshot/playlist/{uuid}")["trackIds"]


def in_flight(r, past: int, control=None, uuid: str = "", applied: bool | None = None) -> tuple[str, str] | None:
    """(job id, worker name) of an add whose chunk at offset >= ``past`` is being sent right now; with
    ``applied``, only once TIDAL has (or has not yet) applied that chunk."""
    for key in r.scan_iter(match="tidal:write:*:add"):
        record = json.loads(r.get(key) or "{}")
        pending = record.get("pending")
        if not pending or pending["offset"] < past:
            continue
        if applied is not None and (len(tracks_of(control, uuid)) > pending["len_before"]) != applied:
            continue
        job_id = key.decode().removeprefix("tidal:write:").removesuffix(":add")
        holder = r.hget(CLAIMS, job_id)
        if holder:
            return job_id, holder.decode()
    return None


def licensed_tracks(catalog, exclude: list[int], count: int) -> list[int]:
    skip = set(exclude) | set(catalog["unavailable_track_ids"])
    return [t for t in catalog["track_ids"] if t not in skip][:count]


async def test_an_add_killed_three_times_ends_exactly_as_asked(
    stack_env, logged_in, redis_url, control, catalog, tmp_path
):
    uuid = catalog["user_playlist_uuids"][1]
    before = tracks_of(control, uuid)
    new = licensed_tracks(catalog, before, 1000)
    refused = catalog["unavailable_track_ids"][:3]
    # duplicates allowed: a chunk sent twice would show as 100 tracks twice, nothing would hide it
    asked = [*new[:500], refused[0], *new[500:], refused[1], new[7], refused[2]]
    control.post("faults", {"latency_ms": 200, "answer_latency_ms": 400, "path_regex": ITEMS_ROUTE})
    env = {**stack_env, "TIDAL_MCP_RATE_START": "200", "TIDAL_MCP_RATE_LIMIT": "200"}
    r = connect(redis_url)
    kills = []
    with worker_pool(env, tmp_path / "logs", count=2) as pool:
        async with front(redis_url, wait_timeout=240) as tidal:
            call = asyncio.ensure_future(
                tidal.call("playlist.add", {"playlist_id": uuid, "track_ids": asked, "allow_duplicates": True})
            )
            # killed before TIDAL got chunk 2, after TIDAL applied chunk 5, after TIDAL applied chunk 9
            for past, applied in ((100, False), (400, True), (800, True)):
                job_id, holder = await asyncio.to_thread(
                    wait_until,
                    lambda p=past, a=applied: in_flight(r, p, control, uuid, a),
                    120,
                    lambda: "the add made no progress\n" + pool.logs(),
                )
                victim = next(p for p in pool.procs if p.alive() and holder.endswith(f".{p.pid}"))
                victim.kill()
                kills.append((past, job_id))
                pool.start(1)  # a replacement, as supervisord would start
            change, _ = await call

    assert [k[1] for k in kills] == [kills[0][1]] * 3, "one job, rerun after each kill"
    after = tracks_of(control, uuid)
    assert after == before + new + [new[7]], "every track as often as asked, in order, none lost, none twice"
    assert [p["track_id"] for p in change["added"]] == new + [new[7]]
    assert [p["position"] for p in change["added"]] == list(range(len(before), len(after)))
    assert sorted(change["refused"]) == sorted(refused)


async def test_an_edit_made_outside_between_read_and_write_is_kept(
    stack_env, logged_in, redis_url, control, catalog, tmp_path
):
    uuid = catalog["user_playlist_uuids"][1]
    before = tracks_of(control, uuid)
    new = licensed_tracks(catalog, before, 300)
    outsider = licensed_tracks(catalog, before + new, 1)[0]
    control.post("faults", {"latency_ms": 400, "path_regex": ITEMS_ROUTE})
    r = connect(redis_url)
    with worker_pool(stack_env, tmp_path / "logs", count=1):
        async with front(redis_url, wait_timeout=120) as tidal:
            call = asyncio.ensure_future(tidal.call("playlist.add", {"playlist_id": uuid, "track_ids": new}))
            await asyncio.to_thread(wait_until, lambda: in_flight(r, 100), 60, "the add made no progress")
            # another app removes the first track and appends one while our second chunk is in flight
            control.post(f"playlists/{uuid}", {"remove": [0], "add": [outsider]})
            change, _ = await call

    after = tracks_of(control, uuid)
    assert before[0] not in after and Counter(after)[outsider] == 1, "the outside edit was not overwritten"
    ours = [t for t in after if t in set(new)]
    assert ours == new, "every track of ours once, in order"
    assert [t for t in after if t not in set(new)] == [*before[1:], outsider]
    assert control.get("counters")["statuses"].get("412", 0) >= 1, "the stale ETag was refused and re-planned"
    assert len(change["added"]) == len(new)
