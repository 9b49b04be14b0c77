"""Jobs run in-process: fakeredis (with Lua) + an RQ SimpleWorker in burst mode + the emulator.

Fast checks of the job wrapper's contract: envelopes, caching (and negative caching), error
translation, the circuit breaker, and what the front's dispatcher makes of each outcome.
"""

from __future__ import annotations

import asyncio
import time

import fakeredis
import keyring.backend
import pytest
from rq import Queue, SimpleWorker
from rq.serializers import JSONSerializer

from mcp_front.dispatch import Dispatcher
from shared.cache import Cache
from shared.catalog import OPERATIONS, READ_QUEUE
from shared.errors import NotFound, UpstreamUnavailable
from shared.ratelimit import PoolRateLimiter
from shared.resilience import tidal_breaker
from shared.settings import Settings
from shared.tokens import TokenStore
from tests.support.logins import emulator_login
from workers.runtime import WorkerContext, set_context
from workers.session import SessionHolder

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
def pipeline(emu):
    server = fakeredis.FakeServer()
    sync = fakeredis.FakeRedis(server=server)
    settings = Settings.from_env({"TIDAL_BASE_URL": emu.url, "TIDAL_MCP_HTTP_TIMEOUT": "5"})
    tokens = TokenStore(MemoryKeyring(), sync)
    tokens.save(emulator_login(emu))
    limiter = PoolRateLimiter(sync, rate=1000, burst=1000)
    context = WorkerContext(settings, sync, Cache(sync), SessionHolder(settings, sync, tokens, limiter),
                            tidal_breaker(failure_threshold=2, recovery_timeout=60))
    set_context(context)
    queue = Queue(READ_QUEUE, connection=sync, serializer=JSONSerializer)
    # a registered worker, so the dispatcher sees a live pool; jobs run on the burst worker below
    SimpleWorker([queue], connection=sync, name="listener").register_birth()
    dispatcher = Dispatcher(sync, fakeredis.FakeAsyncRedis(server=server), wait_timeout=10)

    async def call(name: str, args: dict):
        task = asyncio.ensure_future(dispatcher.call(name, args))
        deadline = time.monotonic() + 10
        while queue.count == 0 and not task.done():  # poll until the dispatcher enqueued (or answered)
            assert time.monotonic() < deadline, "the dispatcher neither answered nor enqueued"
            await asyncio.sleep(0.005)
        if not task.done():  # RQ workers need the main thread (signals): run it here, blocking the loop
            SimpleWorker([queue], connection=sync, serializer=JSONSerializer).work(burst=True)
        return await task

    yield call, sync
    set_context(None)


async def test_each_operation_returns_normalized_json_and_fills_the_cache(pipeline, catalog, control):
    call, redis_client = pipeline
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


async def test_not_found_is_an_answer_and_is_cached(pipeline):
    call, redis_client = pipeline
    with pytest.raises(NotFound):
        await call("album.get", {"album_id": 1})
    assert redis_client.ttl(OPERATIONS["album.get"].cache_key({"album_id": 1})) <= OPERATIONS["album.get"].negative_ttl


async def test_a_tidal_outage_fails_the_job_with_a_clear_error_then_opens_the_breaker(pipeline, control, catalog):
    call, _ = pipeline
    control.post("faults", {"error_rate": 1.0, "error_status": 503, "path_regex": "^/v1/tracks/"})
    for track_id in catalog["track_ids"][:2]:
        with pytest.raises(UpstreamUnavailable, match="TIDAL answered 503"):
            await call("track.get", {"track_id": track_id})
    before = control.get("counters")["total"]
    with pytest.raises(UpstreamUnavailable, match="paused"):
        await call("track.get", {"track_id": catalog["track_ids"][3]})
    assert control.get("counters")["total"] == before, "an open breaker must not call TIDAL"
