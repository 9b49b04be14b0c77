"""Jobs run in-process: fakeredis (with Lua) + our worker class in burst mode + the emulator.

Fast checks of the job wrapper's contract: envelopes, caching (and negative caching), error
translation, the pool-wide circuit breaker, stale answers, and what the front's dispatcher makes
of each outcome.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time

import fakeredis
import keyring.backend
import pytest
from rq import Queue

from mcp_front.dispatch import Dispatcher
from mcp_front.waiter import ResultWaiter
from shared.cache import Cache
from shared.catalog import OPERATIONS
from shared.circuit import PoolCircuitBreaker
from shared.errors import InvalidRequest, JobTimeout, NotFound, UpstreamUnavailable, unwrap
from shared.keyring_store import KeyringStore
from shared.queueing import INLINE_ANSWER_MAX, QUEUES, WORKERS, alive_key, answer_key, queue_key
from shared.ratelimit import PoolRateLimiter
from shared.settings import Settings
from shared.tokens import TokenStore
from tests.support.logins import emulator_login
from workers.runtime import WorkerContext, current_context, set_context
from workers.session import SessionHolder
from workers.worker import TidalWorker

pytestmark = pytest.mark.anyio


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
async def pipeline(emu):
    server = fakeredis.FakeServer()
    sync = fakeredis.FakeRedis(server=server)
    aclient = fakeredis.FakeAsyncRedis(server=server)
    settings = Settings.from_env({"TIDAL_BASE_URL": emu.url, "TIDAL_MCP_HTTP_TIMEOUT": "5"})
    tokens = TokenStore(KeyringStore(MemoryKeyring()), sync)
    tokens.save(emulator_login(emu))
    limiter = PoolRateLimiter(sync, ceiling=1000, start=1000, burst=1000)
    breaker = PoolCircuitBreaker(sync, failure_threshold=2, recovery_timeout=60)
    context = WorkerContext(
        settings, sync, Cache(sync, grace=3600), SessionHolder(settings, sync, tokens, limiter), breaker, limiter
    )
    set_context(context)
    # a live worker for the dispatcher's "no workers" check; jobs run on the burst worker below
    sync.sadd(WORKERS, "listener")
    sync.set(alive_key("listener"), "-")

    waiter = ResultWaiter(aclient, sync)
    await waiter.start()
    dispatcher = Dispatcher(aclient, waiter, sync, wait_timeout=10)

    async def call(name: str, args: dict, worker_class: type[TidalWorker] = TidalWorker):
        task = asyncio.ensure_future(dispatcher.call(name, args))
        deadline = time.monotonic() + 10
        while not any(sync.llen(queue_key(q)) for q in QUEUES) and not task.done():  # until enqueued (or answered)
            assert time.monotonic() < deadline, "the dispatcher neither answered nor enqueued"
            await asyncio.sleep(0.005)
        if not task.done():  # RQ workers need the main thread (signals): run it here, blocking the loop
            queues = [Queue(q, connection=sync) for q in QUEUES]
            worker_class(queues, connection=sync).work(burst=True)
        answer = await task
        return answer.data, answer.source

    call.dispatcher = dispatcher  # type: ignore[attr-defined]

    yield call, sync, breaker
    await waiter.stop()
    set_context(None)


async def test_each_operation_returns_normalized_json_and_fills_the_cache(pipeline, catalog, control):
    call, redis_client, _ = pipeline
    cases = {
        "track.get": {"track_id": catalog["track_ids"][0]},
        "album.get": {"album_id": catalog["album_ids"][0]},
        "artist.get": {"artist_id": catalog["artist_ids"][0]},
        "playlist.get": {"playlist_id": catalog["user_playlist_uuids"][0]},
        "search": {"query": "blue", "types": ["artists", "tracks"], "limit": 5, "offset": 0},
    }
    for name, args in cases.items():
        data, source = await call(name, args)
        assert source == "tidal" and data
        assert redis_client.exists(OPERATIONS[name].cache_key(args)), name
        again, source_again = await call(name, args)
        assert (again, source_again) == (data, "cache")
    status, _ = await call("auth.status", {})
    assert status["logged_in"] is True and status["user_id"] == catalog["user_id"]


async def test_not_found_is_an_answer_and_is_cached_briefly(pipeline):
    call, redis_client, _ = pipeline
    with pytest.raises(NotFound):
        await call("album.get", {"album_id": 1})
    ttl = redis_client.ttl(OPERATIONS["album.get"].cache_key({"album_id": 1}))
    assert 0 < ttl <= OPERATIONS["album.get"].negative_ttl


async def test_a_tidal_outage_fails_the_job_with_a_clear_error_then_opens_the_pools_breaker(pipeline, control, catalog):
    call, _, breaker = pipeline
    control.post("faults", {"error_rate": 1.0, "error_status": 503, "path_regex": "^/v1/tracks/"})
    for track_id in catalog["track_ids"][:2]:
        with pytest.raises(UpstreamUnavailable, match="TIDAL answered 503"):
            await call("track.get", {"track_id": track_id})
    assert breaker.state == "open"
    before = control.get("counters")["total"]
    with pytest.raises(UpstreamUnavailable, match="paused"):
        await call("track.get", {"track_id": catalog["track_ids"][3]})
    assert control.get("counters")["total"] == before, "an open breaker must not call TIDAL"


async def test_an_expired_entry_is_answered_stale_when_tidal_fails(pipeline, control, catalog):
    call, redis_client, _ = pipeline
    args = {"track_id": catalog["track_ids"][5]}
    fresh, _ = await call("track.get", args)
    key = OPERATIONS["track.get"].cache_key(args)
    redis_client.expire(key, 1800)  # past its 6 h TTL, within the 1 h grace
    control.post("faults", {"error_rate": 1.0, "error_status": 503, "path_regex": "^/v1/tracks/"})
    data, source = await call("track.get", args)
    assert source == "stale" and data == fresh
    control.delete("faults")
    data, source = await call("track.get", args)
    assert source == "tidal" and redis_client.ttl(key) > 3600


async def test_a_read_only_worker_refuses_write_jobs_without_calling_tidal(pipeline, control, catalog):
    call, _, _ = pipeline
    context = current_context()
    set_context(dataclasses.replace(context, settings=dataclasses.replace(context.settings, read_only=True)))
    uuid = catalog["user_playlist_uuids"][1]
    before = control.get(f"snapshot/playlist/{uuid}")["trackIds"]
    with pytest.raises(InvalidRequest, match="read-only"):
        await call("playlist.clear", {"playlist_id": uuid})
    assert control.get("counters")["total"] == 0
    assert control.get(f"snapshot/playlist/{uuid}")["trackIds"] == before
    data, _ = await call("playlist.get", {"playlist_id": uuid})  # reads still run
    assert [t["id"] for t in data["tracks"]] == before


class DiesBeforeRecording(TidalWorker):
    """A worker that dies between computing a job's answer and RQ recording the job: no result stream,
    no release, no completion message."""

    def handle_job_success(self, job, queue, started_job_registry=None):  # type: ignore[no-untyped-def]
        pass

    def cleanup_execution(self, job, pipeline):  # type: ignore[no-untyped-def]
        pass


@pytest.mark.parametrize("op", ["track.get", "playlist.get"])
async def test_a_reads_answer_reaches_its_caller_before_rq_records_the_job(pipeline, catalog, op):
    """The answer goes out with the cache write: inline in the message for a track, under its key
    for a playlist (too big to send to every front); neither waits for RQ's bookkeeping."""
    call, redis_client, _ = pipeline
    args = (
        {"track_id": catalog["track_ids"][3]}
        if op == "track.get"
        else {"playlist_id": catalog["user_playlist_uuids"][3]}
    )
    data, source = await call(op, args, DiesBeforeRecording)
    assert source == "tidal" and data == unwrap(json.loads(redis_client.get(OPERATIONS[op].cache_key(args)))["env"])
    (answer,) = [redis_client.get(key) for key in redis_client.scan_iter(answer_key("*"))]
    assert (len(answer) > INLINE_ANSWER_MAX) == (op == "playlist.get")
    assert not list(redis_client.scan_iter("rq:results:*"))  # RQ recorded nothing


async def test_a_write_is_answered_only_once_rq_recorded_it(pipeline, catalog):
    """A write's caller hears back from RQ's completion, never early: a worker lost before that
    leaves the change to the janitor's rerun, not to an answer the caller already acted on."""
    call, redis_client, _ = pipeline
    call.dispatcher.wait_timeout = 2
    with pytest.raises(JobTimeout):
        await asyncio.wait_for(
            call("favorites.add", {"kind": "tracks", "ids": [str(catalog["track_ids"][4])]}, DiesBeforeRecording), 30
        )
    assert not list(redis_client.scan_iter(answer_key("*")))
