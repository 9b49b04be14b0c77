"""429 storms and brownouts are absorbed, not passed on; the circuit is pool-wide; stale data beats an error."""

from __future__ import annotations

import asyncio
import time

import pytest

from shared import metrics
from shared.catalog import OPERATIONS
from shared.circuit import circuit_state
from shared.errors import UpstreamUnavailable
from shared.ops.status import collect
from shared.pool import count_live_workers
from shared.redis_conn import connect
from shared.settings import Settings
from tests.support.processes import wait_until
from tests.support.stack import front, worker_pool

pytestmark = [pytest.mark.chaos, pytest.mark.anyio]


async def test_a_429_storm_is_waited_out_no_call_fails(stack_env, logged_in, redis_url, control, catalog, tmp_path):
    control.post("faults", {"rate_limit": 3, "retry_after": 2, "path_regex": "^/v1/tracks/"})
    ids = catalog["track_ids"][300:360]
    with worker_pool(stack_env, tmp_path / "logs", count=4):
        control.post("reset")
        # 60 reads at 3 req/s take 20 s plus the pauses; the deadline leaves room for a busy machine
        async with front(redis_url, wait_timeout=60) as dispatcher:
            results = await asyncio.gather(
                *(dispatcher.call("track.get", {"track_id": t}) for t in ids), return_exceptions=True
            )
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, failures[:3]
    assert [data["id"] for data, _ in results] == ids
    counters = control.get("counters")
    assert counters["routes"]["GET /v1/tracks/{id}"] - counters["rate_limited"] == len(ids)
    assert counters["rate_limited"] <= len(ids) // 6, "the pool found TIDAL's pace instead of hammering it"


async def test_a_worker_started_during_a_429_storm_stays_up_and_serves_afterwards(
    stack_env, logged_in, redis_url, control, catalog, tmp_path
):
    control.post("faults", {"rate_limit": 0.01, "retry_after": 30})  # every request is refused
    control.post("reset")
    r = connect(redis_url)
    with worker_pool(stack_env, tmp_path / "logs", count=0) as pool:
        [worker] = pool.start(1)
        wait_until(
            lambda: "worker started without a TIDAL session" in worker.logs(tail=None),
            30,
            lambda: "the worker did not report the storm\n" + worker.logs(),
        )
        assert worker.alive() and count_live_workers(r) == 1
        control.delete("faults")
        r.delete("tidal:ratelimit:trip")
        async with front(redis_url) as dispatcher:
            data, _ = await dispatcher.call("track.get", {"track_id": catalog["track_ids"][7]})
        assert data["id"] == catalog["track_ids"][7] and worker.alive()


async def test_a_brownout_never_reaches_callers_of_cached_objects(
    stack_env, logged_in, redis_url, control, catalog, tmp_path
):
    ids = catalog["track_ids"][400:412]
    r = connect(redis_url)
    with worker_pool(stack_env, tmp_path / "logs", count=2):
        async with front(redis_url) as dispatcher:
            for track_id in ids:
                await dispatcher.call("track.get", {"track_id": track_id})
            for track_id in ids[::2]:  # half of them expired (past their TTL, within the stale grace)
                r.expire(OPERATIONS["track.get"].cache_key({"track_id": track_id}), 3600)
            control.post("faults", {"error_rate": 0.5, "error_status": 503, "path_regex": "^/v1/tracks/"})
            sources: list[str] = []
            ends = time.monotonic() + 8
            while time.monotonic() < ends:
                answers = await asyncio.gather(
                    *(dispatcher.call("track.get", {"track_id": t}) for t in ids), return_exceptions=True
                )
                errors = [a for a in answers if isinstance(a, BaseException)]
                assert not errors, errors[:2]
                sources += [source for _, source in answers]
                for track_id in ids[::2]:
                    r.expire(OPERATIONS["track.get"].cache_key({"track_id": track_id}), 3600)
    assert {"cache", "tidal"} <= set(sources) and set(sources) <= {"cache", "tidal", "stale"}


async def test_an_outage_opens_the_pools_circuit_stale_answers_flow_and_a_probe_closes_it(
    stack_env, logged_in, redis_url, control, catalog, tmp_path
):
    # the recovery time must outlast the checks made while the circuit is open, on a busy machine too
    env = {**stack_env, "TIDAL_MCP_CIRCUIT_FAILURES": "3", "TIDAL_MCP_CIRCUIT_RECOVERY": "10"}
    cached, uncached = catalog["track_ids"][500], catalog["track_ids"][501:510]
    r = connect(redis_url)
    with worker_pool(env, tmp_path / "logs", count=2):
        async with front(redis_url) as dispatcher:
            await dispatcher.call("track.get", {"track_id": cached})
            r.expire(OPERATIONS["track.get"].cache_key({"track_id": cached}), 3600)
            control.post("faults", {"error_rate": 1.0, "error_status": 503})
            for track_id in uncached[:3]:
                with pytest.raises(UpstreamUnavailable):
                    await dispatcher.call("track.get", {"track_id": track_id})
            assert circuit_state(r)["state"] == "open"
            exposition = metrics.render(r)[0].decode()
            assert 'tidal_mcp_circuit_state{state="open"} 1.0' in exposition
            assert collect(Settings.from_env(env))["tidal"]["circuit"]["state"] == "open"

            before = control.get("counters")["total"]
            started = time.monotonic()
            with pytest.raises(UpstreamUnavailable, match="paused"):
                await dispatcher.call("track.get", {"track_id": uncached[5]})
            data, source = await dispatcher.call("track.get", {"track_id": cached})
            assert time.monotonic() - started < 1.5, "an open circuit answers at once"
            assert (data["id"], source) == (cached, "stale")
            assert control.get("counters")["total"] == before, "nothing reached TIDAL while the circuit was open"

            control.delete("faults")
            await asyncio.to_thread(
                wait_until,
                lambda: circuit_state(r)["state"] == "half_open",
                20,
                "the circuit did not half-open after its recovery time",
            )
            data, source = await dispatcher.call("track.get", {"track_id": uncached[6]})
            assert source == "tidal" and circuit_state(r)["state"] == "closed"
