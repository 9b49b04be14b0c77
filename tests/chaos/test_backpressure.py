"""Backpressure: one front holds thousands of waiting calls; past its bounds it says "busy, retry in N s"."""

from __future__ import annotations

import asyncio

import pytest

from shared import metrics
from shared.errors import Busy, NotFound
from shared.queueing import PAUSED
from shared.redis_conn import connect
from tests.support.processes import wait_until
from tests.support.stack import front, worker_pool

pytestmark = [pytest.mark.chaos, pytest.mark.anyio]

CALLS = 5000


async def test_one_front_holds_five_thousand_waiting_calls_without_a_false_error(
    stack_env, logged_in, redis_url, control, catalog, tmp_path
):
    env = {**stack_env, "TIDAL_MCP_RATE_LIMIT": "1000", "TIDAL_MCP_RATE_START": "1000", "TIDAL_MCP_RATE_BURST": "1000"}
    known = catalog["track_ids"]
    ids = known + [10**9 + i for i in range(CALLS - len(known))]  # unknown ids: answered "not found"
    r = connect(redis_url)
    r.set(PAUSED, "1")
    with worker_pool(env, tmp_path / "logs", count=4):
        async with front(redis_url, wait_timeout=240) as client:
            calls = [asyncio.ensure_future(client.call("track.get", {"track_id": t})) for t in ids]
            await asyncio.to_thread(
                wait_until,
                lambda: client.dispatcher.inflight == CALLS,
                90,
                lambda: (
                    f"only {client.dispatcher.inflight} calls are waiting; ended early: "
                    f"{[c.exception() for c in calls if c.done()][:3]}"
                ),
            )
            assert not any(call.done() for call in calls), "a waiting call ended while the pool was paused"
            r.delete(PAUSED)
            results = await asyncio.gather(*calls, return_exceptions=True)
    found = [result for result in results[: len(known)] if not isinstance(result, BaseException)]
    assert [data["id"] for data, _ in found] == known
    unexpected = [result for result in results[len(known) :] if not isinstance(result, NotFound)]
    assert not unexpected, unexpected[:3]


async def test_past_its_bounds_a_front_refuses_with_busy_and_counts_it(
    stack_env, logged_in, redis_url, catalog, tmp_path
):
    r = connect(redis_url)
    r.set(PAUSED, "1")
    refusals = metrics.ADMISSION_REFUSALS.labels(reason="inflight")
    with worker_pool(stack_env, tmp_path / "logs", count=1):
        async with front(redis_url, max_inflight=20, max_queue_depth=30) as client:
            waiting = [
                asyncio.ensure_future(client.call("track.get", {"track_id": t})) for t in catalog["track_ids"][:20]
            ]
            await asyncio.to_thread(wait_until, lambda: client.dispatcher.inflight == 20, 20, "calls did not wait")
            before = refusals._value.get()
            with pytest.raises(Busy, match="busy.*retry in about"):
                await client.call("track.get", {"track_id": catalog["track_ids"][21]})
            assert refusals._value.get() == before + 1
        async with front(redis_url, max_queue_depth=30) as other:  # a second front fills the queue's bound
            more = [
                asyncio.ensure_future(other.call("track.get", {"track_id": t})) for t in catalog["track_ids"][100:110]
            ]
            await asyncio.to_thread(wait_until, lambda: r.llen("rq:queue:tidal-read") == 30, 20, "not queued")
            with pytest.raises(Busy, match="requests queued"):
                await other.call("track.get", {"track_id": catalog["track_ids"][200]})
            r.delete(PAUSED)
            results = await asyncio.gather(*more)
            assert len(results) == 10
        for call in waiting:
            call.cancel()
