"""A worker SIGKILLed mid-job, and operators acting in rq-dashboard: the pool recovers, the front only waits."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest
from rq.job import Job
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer

from shared.catalog import OPERATIONS
from shared.errors import JobTimeout, UpstreamUnavailable
from shared.pool import count_live_workers
from shared.queueing import PAUSED
from shared.redis_conn import connect
from tests.support.processes import wait_until
from tests.support.stack import front, worker_pool

pytestmark = [pytest.mark.chaos, pytest.mark.anyio]

PROBE_WINDOW = 20.0  # seconds of probing after the kill (the bench/chaos runner probes for 120 s)


def running_job(r, op: str, args: dict) -> Job | None:
    """The job currently started for ``op(args)``, found through its coalescing key."""
    job_id = r.get(OPERATIONS[op].coalesce_key(args))
    if job_id is None:
        return None
    job = Job.fetch(job_id.decode(), connection=r, serializer=JSONSerializer)
    return job if job.get_status().value == "started" else None


async def test_a_job_whose_worker_is_killed_is_answered_by_another_and_every_repeat_succeeds(
    stack_env, logged_in, redis_url, control, catalog, tmp_path
):
    control.post("faults", {"latency_ms": 1500, "path_regex": "^/v1/albums/"})
    album_id = catalog["album_ids"][5]
    args = {"album_id": album_id}
    r = connect(redis_url)
    with worker_pool(stack_env, tmp_path / "logs", count=2) as pool:
        async with front(redis_url, wait_timeout=60) as dispatcher:
            call = asyncio.ensure_future(dispatcher.call("album.get", args))
            job = await asyncio.to_thread(
                wait_until, lambda: running_job(r, "album.get", args), 15, "no worker started the job"
            )
            victim = next(p for p in pool.procs if job.worker_name.endswith(f".{p.pid}"))
            os.kill(victim.pid, signal.SIGKILL)
            killed_at = time.monotonic()

            async def probe() -> list[tuple]:
                """An identical call every 2 s, each on its own (none waits for the previous)."""
                started = []
                while time.monotonic() - killed_at < PROBE_WINDOW:
                    started.append(asyncio.ensure_future(dispatcher.call("album.get", args)))
                    await asyncio.sleep(2)  # the probe's cadence, not a synchronization
                return await asyncio.gather(*started)

            probes = asyncio.ensure_future(probe())
            album, source = await call
            answered_after = time.monotonic() - killed_at
            dead_after = await asyncio.to_thread(
                wait_until,
                lambda: count_live_workers(r) == 1 and time.monotonic() - killed_at,
                15,
                "the killed worker still counts as alive",
            )
            outcomes = await probes
        survivor_alive = next(p for p in pool.procs if p is not victim).alive()

    assert survivor_alive and source == "tidal" and answered_after < 15, answered_after
    assert [t["id"] for t in album["tracks"]] == control.get(f"snapshot/album/{album_id}")["trackIds"]
    assert dead_after < 15
    assert len(outcomes) >= PROBE_WINDOW // 2 - 1
    assert {data["id"] for data, _ in outcomes} == {album_id} and {s for _, s in outcomes} <= {"tidal", "cache"}
    assert control.get("counters")["paths"][f"GET /v1/albums/{album_id}"] <= 2, "TIDAL saw the album at most twice"


async def test_operator_requeue_or_delete_of_a_failed_job_never_brings_the_old_failure_back(
    stack_env, logged_in, redis_url, control, catalog, tmp_path
):
    env = {**stack_env, "TIDAL_MCP_CIRCUIT_FAILURES": "100"}
    track_id = catalog["track_ids"][42]
    args = {"track_id": track_id}
    r = connect(redis_url)
    registry = FailedJobRegistry("tidal-read", connection=r, serializer=JSONSerializer)
    with worker_pool(env, tmp_path / "logs", count=1):
        async with front(redis_url) as dispatcher:
            for action in ("requeue", "delete"):
                control.post(
                    "faults", {"error_rate": 1.0, "error_status": 503, "path_regex": f"^/v1/tracks/{track_id}$"}
                )
                with pytest.raises(UpstreamUnavailable):
                    await dispatcher.call("track.get", args)
                control.delete("faults")
                [failed_id] = registry.get_job_ids()
                if action == "requeue":  # what rq-dashboard's "requeue" does
                    registry.requeue(failed_id)
                else:  # rq-dashboard's "delete"
                    Job.fetch(failed_id, connection=r, serializer=JSONSerializer).delete()
                data, _ = await dispatcher.call("track.get", args)
                assert data["id"] == track_id, action
                r.delete(OPERATIONS["track.get"].cache_key(args))
                await asyncio.to_thread(
                    wait_until, lambda: not registry.get_job_ids(), 15, "the requeued job did not finish"
                )


async def test_a_job_deleted_while_a_caller_waits_is_submitted_afresh(
    stack_env, logged_in, redis_url, control, catalog, tmp_path
):
    args = {"track_id": catalog["track_ids"][43]}
    r = connect(redis_url)
    with worker_pool(stack_env, tmp_path / "logs", count=1):
        async with front(redis_url) as dispatcher:
            r.set(PAUSED, "1")
            call = asyncio.ensure_future(dispatcher.call("track.get", args))
            job_id = await asyncio.to_thread(
                wait_until, lambda: r.get(OPERATIONS["track.get"].coalesce_key(args)), 10, "the call was not queued"
            )
            Job.fetch(job_id.decode(), connection=r, serializer=JSONSerializer).delete()  # an operator's delete
            await asyncio.to_thread(
                wait_until,
                lambda: r.get(OPERATIONS["track.get"].coalesce_key(args)) not in (None, job_id),
                10,
                "the waiting call did not submit afresh",
            )
            r.delete(PAUSED)
            data, source = await call
    assert data["id"] == args["track_id"] and source == "tidal"


async def test_every_caller_has_its_own_full_deadline(stack_env, logged_in, redis_url, control, catalog, tmp_path):
    control.post("faults", {"latency_ms": 4000, "path_regex": "^/v1/tracks/"})
    args = {"track_id": catalog["track_ids"][44]}
    r = connect(redis_url)
    with worker_pool(stack_env, tmp_path / "logs", count=1):
        async with front(redis_url, wait_timeout=3) as first, front(redis_url, wait_timeout=3) as second:
            early = asyncio.ensure_future(first.call("track.get", args))
            await asyncio.to_thread(wait_until, lambda: running_job(r, "track.get", args), 10, "the job did not start")
            await asyncio.sleep(1.5)  # the second caller arrives later on purpose: that is the scenario
            late = asyncio.ensure_future(second.call("track.get", args))
            with pytest.raises(JobTimeout):
                await early
            data, source = await late
    assert data["id"] == args["track_id"] and source == "tidal"
    assert control.get("counters")["paths"][f"GET /v1/tracks/{args['track_id']}"] == 1, "the late caller joined"
