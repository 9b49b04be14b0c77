"""Redis restarts under load: nothing lost, nothing run twice that was only queued, no process restarted."""

from __future__ import annotations

import asyncio
import signal
import time

import pytest

from shared.catalog import OPERATIONS
from shared.errors import BackendUnavailable
from shared.pool import count_live_workers
from shared.queueing import queue_key
from shared.redis_conn import connect
from shared.tokens import GENERATION_KEY
from tests.support.processes import wait_until
from tests.support.stack import front, worker_pool

pytestmark = [pytest.mark.chaos, pytest.mark.anyio]


def track_fetches(control, track_id: int) -> int:
    return control.get("counters")["paths"].get(f"GET /v1/tracks/{track_id}", 0)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["clean", "sigkill"])
async def test_a_redis_restart_under_load_loses_nothing_and_every_process_carries_on(
    how, chaos_redis, chaos_env, chaos_login, control, catalog, tmp_path
):
    control.post("faults", {"latency_ms": 300, "path_regex": "^/v1/tracks/"})
    r = connect(chaos_env["REDIS_URL"])
    with worker_pool(chaos_env, tmp_path / "logs", count=2) as pool:
        pids = [proc.pid for proc in pool.procs]
        async with front(chaos_env["REDIS_URL"], wait_timeout=60) as dispatcher:
            warm_id = catalog["track_ids"][0]
            await dispatcher.call("track.get", {"track_id": warm_id})
            generation = r.get(GENERATION_KEY)
            ids = catalog["track_ids"][100:124]
            calls = [asyncio.ensure_future(dispatcher.call("track.get", {"track_id": t})) for t in ids]
            # every call's job is in Redis (queued or running: its coalescing key exists) or already answered;
            # a call still on its way to Redis when Redis dies rightly fails fast, and is not what this tests
            keys = [OPERATIONS["track.get"].coalesce_key({"track_id": t}) for t in ids]
            await asyncio.to_thread(
                wait_until,
                lambda: (
                    all(call.done() or r.exists(key) for call, key in zip(calls, keys, strict=True))
                    and r.llen(queue_key("tidal-read")) >= 15
                ),
                20,
                "the calls were not queued",
            )

            chaos_redis.stop(how)
            started = time.monotonic()
            with pytest.raises(BackendUnavailable, match="Redis"):
                await dispatcher.call("track.get", {"track_id": catalog["track_ids"][200]})
            assert time.monotonic() - started < 3, "a call during the outage must fail fast"
            await asyncio.to_thread(
                wait_until,
                lambda: all(
                    "Redis unreachable" in proc.logs(tail=None) or "without a stop request" in proc.logs(tail=None)
                    for proc in pool.procs
                ),
                20,
                "the workers did not notice the outage",
            )

            chaos_redis.start()  # same port, same data directory
            back_at = time.monotonic()
            waiting = [c for c in calls if not c.done()]
            assert r.get(GENERATION_KEY) == generation, "the login generation survived"
            assert r.exists(OPERATIONS["track.get"].cache_key({"track_id": warm_id})), "the cache survived"

            async def a_call_succeeds() -> float:
                while True:
                    try:
                        await dispatcher.call("track.get", {"track_id": warm_id})
                        return time.monotonic() - back_at
                    except BackendUnavailable:
                        assert time.monotonic() - back_at < 10, "calls did not come back after Redis did"

            assert await a_call_succeeds() < 5
            assert waiting, "the outage should have caught calls still waiting"
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            assert time.monotonic() - back_at < 5, "the pool did not resume the queued calls"
            results = await asyncio.gather(*calls)
            assert [data["id"] for data, _ in results] == ids

        fetches = {t: track_fetches(control, t) for t in ids}
        assert all(1 <= n <= 2 for n in fetches.values()), fetches
        assert sum(n == 2 for n in fetches.values()) <= 2, (
            f"only jobs running during the outage (one per worker) may run twice: {fetches}"
        )
        assert [proc.pid for proc in pool.procs if proc.alive()] == pids, "no worker process was restarted"
        wait_until(
            lambda: count_live_workers(r) == 2, 10, lambda: "workers did not count as alive again\n" + pool.logs()
        )
