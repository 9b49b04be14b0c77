"""The job protocol's Lua scripts and the janitor, on fakeredis (real Lua)."""

from __future__ import annotations

import json

import fakeredis
import pytest
from rq.job import Job
from rq.results import Result
from rq.serializers import JSONSerializer

from shared.queueing import (
    ANSWER_TTL,
    CIRCUIT_OPEN,
    CLAIMS,
    DONE_CHANNEL,
    DOORBELL,
    INLINE_ANSWER_MAX,
    MAX_REQUEUES,
    PAUSED,
    QUEUES,
    WORKERS,
    Claim,
    Scripts,
    alive_key,
    answer_key,
    enqueue,
    job_key,
    parse_done,
    publish_answer,
    queue_key,
)
from workers.janitor import Janitor

pytestmark = pytest.mark.anyio


@pytest.fixture
def server():
    return fakeredis.FakeServer()


@pytest.fixture
def sync(server):
    return fakeredis.FakeRedis(server=server)


@pytest.fixture
def aclient(server):
    return fakeredis.FakeAsyncRedis(server=server)


def fields(job_id: str, queue: str, coalesce: str | None = None) -> dict:
    job = Job.create(
        "workers.jobs.tracks.get_track",
        kwargs={"track_id": 1},
        id=job_id,
        connection=fakeredis.FakeRedis(),
        serializer=JSONSerializer,
        meta={"coalesce": coalesce},
    )
    job.origin = queue
    return {**job.to_dict(), "status": "queued"}


async def put(aclient, job_id: str, queue: str = "tidal-read", coalesce: str | None = None, max_depth: int = 100):
    return await enqueue(
        aclient,
        job_id,
        fields(job_id, queue, coalesce),
        queue=queue,
        coalesce_key=coalesce,
        coalesce_ttl_ms=60_000,
        max_depth=max_depth,
    )


async def test_an_identical_call_joins_the_queued_job_and_others_get_their_own(aclient, sync):
    first = await put(aclient, "a-1", coalesce="tidal:coalesce:x")
    joined = await put(aclient, "a-2", coalesce="tidal:coalesce:x")
    other = await put(aclient, "b-1", coalesce="tidal:coalesce:y")
    assert (first.state, first.job_id) == ("enqueued", "a-1")
    assert (joined.state, joined.job_id) == ("joined", "a-1")
    assert other.state == "enqueued"
    assert sync.lrange(queue_key("tidal-read"), 0, -1) == [b"a-1", b"b-1"]
    assert not sync.exists(job_key("a-2")) and sync.llen(DOORBELL) == 2
    assert sync.hget(job_key("a-1"), "tidal_enqueued_ms") is not None


async def test_a_coalescing_key_naming_a_vanished_job_starts_a_new_one(aclient, sync):
    await put(aclient, "a-1", coalesce="tidal:coalesce:x")
    sync.delete(job_key("a-1"))  # an operator deleted it
    again = await put(aclient, "a-2", coalesce="tidal:coalesce:x")
    assert (again.state, again.job_id) == ("enqueued", "a-2")


async def test_enqueue_refuses_past_the_queue_bound_and_while_the_circuit_is_open(aclient, sync):
    await put(aclient, "a-1", max_depth=1)
    busy = await put(aclient, "a-2", max_depth=1)
    assert (busy.state, busy.detail) == ("busy", 1) and not sync.exists(job_key("a-2"))
    sync.set(CIRCUIT_OPEN, "1", px=5000)
    refused = await put(aclient, "c-1", queue="tidal-stream")
    assert refused.state == "open" and 4000 < refused.detail <= 5000


async def test_claim_takes_the_highest_priority_job_and_records_its_holder(aclient, sync):
    await put(aclient, "batch-1", queue="tidal-batch")
    await put(aclient, "read-1", queue="tidal-read")
    await put(aclient, "stream-1", queue="tidal-stream")
    scripts = Scripts(sync)
    order = []
    while isinstance(claim := scripts.claim("w1", QUEUES, 8000), Claim):
        order.append(claim.job_id)
        assert sync.hget(CLAIMS, claim.job_id) == b"w1" and sync.get(alive_key("w1")) == claim.job_id.encode()
        assert 0 <= claim.waited_ms < 5000
        assert claim.fields == sync.hgetall(job_key(claim.job_id))  # the job's hash, read by the claim itself
        assert claim.fields[b"status"] == b"queued"
    assert order == ["stream-1", "read-1", "batch-1"] and claim == "empty"


async def test_claim_skips_deleted_jobs_and_takes_nothing_while_paused(aclient, sync):
    await put(aclient, "gone-1")
    await put(aclient, "here-1")
    sync.delete(job_key("gone-1"))
    scripts = Scripts(sync)
    sync.set(PAUSED, "1")
    assert scripts.claim("w1", QUEUES, 8000) == "paused"
    sync.delete(PAUSED)
    assert scripts.claim("w1", QUEUES, 8000).job_id == "here-1"


async def test_release_drops_the_claim_marks_idle_and_clears_only_its_own_coalescing_key(aclient, sync):
    await put(aclient, "a-1", coalesce="tidal:coalesce:x")
    scripts = Scripts(sync)
    scripts.claim("w1", QUEUES, 8000)
    pubsub = sync.pubsub()
    pubsub.subscribe(DONE_CHANNEL)
    sync.set("tidal:coalesce:x", "a-newer")  # replaced meanwhile: not ours to delete
    with sync.pipeline() as pipe:
        scripts.release(pipe, "a-1", "w1", "tidal:coalesce:x")
        pipe.execute()
    assert not sync.hexists(CLAIMS, "a-1") and sync.get(alive_key("w1")) == b"-"
    assert sync.get("tidal:coalesce:x") == b"a-newer"
    messages = [m for m in iter(lambda: pubsub.get_message(timeout=0.2), None) if m["type"] == "message"]
    assert [m["data"] for m in messages] == [b"a-1"]


def claim_and_start(sync, job_id: str, worker: str) -> None:
    """A worker took the job and RQ marked it started (its started-registry entry)."""
    Scripts(sync).claim(worker, QUEUES, 8000)
    sync.hset(job_key(job_id), "status", "started")
    sync.zadd("rq:wip:tidal-read", {f"{job_id}:exec1": 10**10})
    sync.sadd(WORKERS, worker)


async def test_the_janitor_leaves_a_live_workers_job_and_requeues_a_dead_ones_at_the_front(aclient, sync):
    await put(aclient, "a-1")
    await put(aclient, "b-1")
    claim_and_start(sync, "a-1", "w-dead")
    sync.set(alive_key("w-live"), "-", px=8000)
    sync.sadd(WORKERS, "w-live")
    janitor = Janitor(sync, Scripts(sync), "w-live")
    report = janitor.sweep()
    assert report.requeued == [] and sync.hexists(CLAIMS, "a-1"), "the holder is alive and working on it"
    sync.delete(alive_key("w-dead"))  # its liveness key expired
    sync.delete("tidal:pool:janitor")
    report = janitor.sweep()
    assert report.requeued == ["a-1"] and report.deregistered == ["w-dead"]
    assert sync.lrange(queue_key("tidal-read"), 0, -1) == [b"a-1", b"b-1"], "back at the front of its queue"
    assert sync.hget(job_key("a-1"), "status") == b"queued"
    assert sync.zcard("rq:wip:tidal-read") == 0 and not sync.hexists(CLAIMS, "a-1")
    assert not sync.sismember(WORKERS, "w-dead")


async def test_a_live_worker_that_moved_on_gives_its_stale_claim_back(aclient, sync):
    await put(aclient, "a-1")
    claim_and_start(sync, "a-1", "w1")
    sync.set(alive_key("w1"), "another-job", px=8000)  # e.g. its completion was lost to a Redis outage
    assert Janitor(sync, Scripts(sync), "w2").sweep().requeued == ["a-1"]


async def test_a_job_that_keeps_killing_its_workers_fails_instead(aclient, sync):
    await put(aclient, "poison-1")
    janitor = Janitor(sync, Scripts(sync), "w-live")
    for attempt in range(MAX_REQUEUES + 1):
        claim_and_start(sync, "poison-1", f"w{attempt}")
        sync.delete(alive_key(f"w{attempt}"), "tidal:pool:janitor")
        report = janitor.sweep()
    assert report.failed == ["poison-1"] and sync.llen(queue_key("tidal-read")) == 0
    job = Job.fetch("poison-1", connection=sync, serializer=JSONSerializer)
    assert job.get_status().value == "failed"
    result = job.latest_result()
    assert result.type == Result.Type.FAILED and result.exc_string.startswith("WorkerLost: ")


async def test_one_sweep_at_a_time_across_the_pool(sync):
    first, second = Janitor(sync, Scripts(sync), "w1"), Janitor(sync, Scripts(sync), "w2")
    assert first.sweep() is not None and second.sweep() is None


@pytest.mark.parametrize("size", [100, INLINE_ANSWER_MAX + 1])
def test_an_early_answer_travels_inline_when_small_and_always_under_its_key(sync, size):
    pubsub = sync.pubsub()
    pubsub.subscribe(DONE_CHANNEL)
    envelope = {"ok": True, "data": {"text": "x" * size}}
    with sync.pipeline(transaction=False) as pipe:
        publish_answer(pipe, "job-1", envelope)
        pipe.execute()
    assert json.loads(sync.get(answer_key("job-1"))) == envelope and 0 < sync.ttl(answer_key("job-1")) <= ANSWER_TTL
    (message,) = [m["data"] for m in iter(lambda: pubsub.get_message(timeout=0.2), None) if m["type"] == "message"]
    job_id, inline = parse_done(message)
    assert job_id == "job-1"
    assert (json.loads(inline) if inline else None) == (envelope if size < INLINE_ANSWER_MAX else None)
    assert parse_done(b"job-2") == ("job-2", None)  # RQ's completion message: the id alone
