"""Long batch jobs under failure: a worker killed mid-chunk, the front killed mid-job, a cancel.

Jobs live in Redis, so each must end complete and in order whatever dies; TIDAL requests are
counted by the emulator to show what was redone and what was dropped.
"""

from __future__ import annotations

import asyncio
import math
import os
import signal

import pytest
from mcp import Client

from mcp_front.batch import Batches
from shared.catalog.batch import TRACKS
from shared.queueing import BATCH_QUEUE, CLAIMS, queue_key
from shared.redis_conn import connect
from tests.support.processes import eventually, wait_until
from tests.support.stack import front, start_front, worker_pool

pytestmark = [pytest.mark.chaos, pytest.mark.anyio]

OPENAPI_TRACKS = "GET /openapi/v2/tracks"


def chunk_holder(r) -> str | None:  # type: ignore[no-untyped-def]
    """The name of a worker holding a batch chunk job right now."""
    for job_id, worker in r.hgetall(CLAIMS).items():
        if job_id.decode().startswith("tracks_chunk-"):
            return worker.decode()
    return None


def drained(r) -> bool:  # type: ignore[no-untyped-def]
    return r.llen(queue_key(BATCH_QUEUE)) == 0 and not r.hlen(CLAIMS)


async def test_a_worker_killed_mid_chunk_the_chunk_is_redone_and_the_job_ends_whole(
    stack_env, logged_in, redis_url, control, catalog, tmp_path
):
    control.post("faults", {"latency_ms": 800, "path_regex": "^/openapi/v2/tracks$"})
    ids = [str(t) for t in catalog["track_ids"][100:200]]
    r = connect(redis_url)
    with worker_pool(stack_env, tmp_path / "logs", count=2) as pool:
        async with front(redis_url, wait_timeout=60) as tidal:
            batches = Batches(tidal.dispatcher, job_after=0, job_ttl=3600)
            started = await batches.run(TRACKS, ids, "local", None)
            assert started["state"] == "running"
            holder = await asyncio.to_thread(wait_until, lambda: chunk_holder(r), 20, "no worker took a chunk")
            victim = next(p for p in pool.procs if holder.endswith(f".{p.pid}"))
            os.kill(victim.pid, signal.SIGKILL)
            pool.start(1)

            async def finished() -> dict | None:
                info = await batches.info(started["job_id"], "local", 0, 1000)
                return info if info["state"] != "running" else None

            info = await eventually(finished, 90, "the job never finished")
    assert info["state"] == "done" and info["result"]["failed"] == []
    assert [str(t["id"]) for t in info["result"]["found"]] == ids
    chunks = math.ceil(len(ids) / 20)
    assert chunks <= control.get("counters")["paths"][OPENAPI_TRACKS] <= chunks + 1


async def test_the_front_killed_mid_job_another_front_reports_it_complete(
    stack_env, logged_in, redis_url, control, catalog, tmp_path
):
    control.post("faults", {"latency_ms": 300, "path_regex": "^/openapi/v2/tracks$"})
    ids = catalog["track_ids"][200:400]
    env = {**stack_env, "TIDAL_MCP_JOB_AFTER": "0"}

    with worker_pool(stack_env, tmp_path / "logs", count=2):
        first, url = start_front(env, tmp_path / "logs")
        async with Client(url) as client:
            started = (await client.call_tool("tidal_get_tracks", {"track_ids": ids})).structured_content
        first.kill()
        second, url = start_front(env, tmp_path / "logs")
        try:
            async with Client(url) as client:

                async def finished() -> dict | None:
                    info = (
                        await client.call_tool("tidal_get_job", {"job_id": started["job_id"], "limit": 1000})
                    ).structured_content
                    return info if info["state"] != "running" else None

                info = await eventually(finished, 90, "the job never finished")
        finally:
            second.stop()
    assert started["state"] == "running"
    assert info["state"] == "done" and [t["id"] for t in info["result"]["found"]] == ids
    assert control.get("counters")["paths"][OPENAPI_TRACKS] == math.ceil(len(ids) / 20)


async def test_a_cancelled_job_drops_the_chunks_not_started(
    stack_env, logged_in, redis_url, control, catalog, tmp_path
):
    control.post("faults", {"latency_ms": 500, "path_regex": "^/openapi/v2/tracks$"})
    ids = [str(t) for t in catalog["track_ids"][400:800]]  # 20 chunks
    r = connect(redis_url)
    with worker_pool(stack_env, tmp_path / "logs", count=2):
        async with front(redis_url, wait_timeout=60) as tidal:
            batches = Batches(tidal.dispatcher, job_after=0, job_ttl=3600)
            started = await batches.run(TRACKS, ids, "local", None)
            await asyncio.to_thread(wait_until, lambda: chunk_holder(r), 20, "no chunk started")
            cancelled = await batches.cancel(started["job_id"], "local")
            await asyncio.to_thread(wait_until, lambda: drained(r), 60, "chunks kept running")
            after = await batches.info(started["job_id"], "local", 0, 1000)
            with pytest.raises(Exception, match="No job"):
                await batches.info(started["job_id"], "someone-else")
    assert cancelled["state"] == after["state"] == "cancelled"
    assert "Cancelled" in after["message"]
    sent = control.get("counters")["paths"].get(OPENAPI_TRACKS, 0)  # 0 when the cancel beat the first chunk
    assert sent <= 6, f"{sent} of 20 chunks reached TIDAL after the cancel"
    assert len(after["result"]["found"]) == 20 * sent  # the chunks that ran are kept
    assert {f["error"] for f in after["result"]["failed"]} == {"cancelled before it ran"}
    assert len(after["result"]["failed"]) == len(ids) - 20 * sent
