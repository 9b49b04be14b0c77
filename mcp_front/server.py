"""The front process: an MCP SDK ``MCPServer`` over streamable HTTP (``/mcp``) or stdio.

It stays light: no tidalapi, no TIDAL calls. It answers from the Redis cache or puts the call on
the worker pool's queue (:mod:`mcp_front.dispatch`). Over HTTP it also serves ``/health``
(Redis answers and a worker is alive), ``/ready`` (the front can serve) and ``/metrics``.

Example::

    settings = Settings.from_env()
    asyncio.run(serve_http(settings))     # http://127.0.0.1:8000/mcp
    asyncio.run(serve_stdio(settings))    # for an MCP client that spawns the process
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Literal, cast

import redis
import uvicorn
from mcp.server import MCPServer
from mcp.server.subscriptions import InMemorySubscriptionBus

from mcp_front import prompts, resources, resumability
from mcp_front.auth import auth_options
from mcp_front.batch import Batches
from mcp_front.dispatch import Dispatcher
from mcp_front.exposure import check_exposure, transport_security
from mcp_front.health import add_routes
from mcp_front.http_guard import HttpGuard
from mcp_front.subscriptions import LegacySubscriptions
from mcp_front.tools import register_tools
from mcp_front.waiter import ResultWaiter
from shared import tracing
from shared.catalog import CACHE_PREFIXES
from shared.near_cache import NearCache
from shared.redis_conn import connect, connect_async, location
from shared.settings import Settings
from shared.version import VERSION

log = logging.getLogger(__name__)

INSTRUCTIONS = """\
Tools for the TIDAL music service. Use tidal_search to find tracks, albums, artists and playlists
by words, then tidal_get_track / tidal_get_album / tidal_get_artist / tidal_get_playlist with the ids
it returns. tidal_auth_status tells whether the server is logged in to TIDAL. Answers may come from
a cache; results are plain JSON with ids you can pass to the other tools."""


LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


@dataclass
class FrontState:
    """What the tools and HTTP routes share for the life of the process."""

    dispatcher: Dispatcher
    sync_redis: redis.Redis
    batches: Batches


def build_server(settings: Settings, *, http: bool = True, guard: HttpGuard | None = None) -> MCPServer:
    """The MCP server with every tool and HTTP route declared (``http``: apply the bearer token)."""
    holder: dict[str, FrontState] = {}
    bus = InMemorySubscriptionBus()  # 2026 subscriptions/listen and legacy resources/subscribe alike

    @asynccontextmanager
    async def lifespan(_server: MCPServer) -> AsyncIterator[FrontState]:
        sync_redis = connect(settings.redis_url)
        async_redis = connect_async(settings.redis_url)
        near = (
            NearCache(CACHE_PREFIXES, max_entries=settings.near_cache_entries) if settings.near_cache_entries else None
        )
        waiter = ResultWaiter(async_redis, sync_redis, near=near)
        await waiter.start()
        dispatcher = Dispatcher(
            async_redis,
            waiter,
            sync_redis,
            wait_timeout=settings.wait_timeout,
            max_inflight=settings.max_inflight,
            max_queue_depth=settings.max_queue_depth,
            near=near,
        )
        state = FrontState(
            dispatcher, sync_redis, Batches(dispatcher, job_after=settings.job_after, job_ttl=settings.job_ttl)
        )
        holder["state"] = state
        log.info("front ready", extra={"redis": location(sync_redis)})
        try:
            yield state
        finally:
            holder.pop("state", None)
            await waiter.stop()
            await async_redis.aclose()
            sync_redis.close()
            tracing.shutdown()  # flush batched spans here: uvicorn re-raises SIGTERM after, skipping atexit

    mcp = MCPServer(
        "tidal-mcp",
        title="TIDAL",
        version=VERSION,
        instructions=INSTRUCTIONS,
        lifespan=lifespan,
        log_level=cast(LogLevel, settings.log_level),  # one of LOG_LEVELS (Settings checks it)
        subscriptions=bus,
        **(auth_options(settings) if http else {}),
    )
    register_tools(mcp, read_only=settings.read_only)
    resources.register(mcp, lambda: holder["state"].dispatcher if "state" in holder else None)
    prompts.register(mcp)
    LegacySubscriptions(bus).register(mcp)

    state_client = lambda: holder["state"].sync_redis if "state" in holder else None  # noqa: E731
    add_routes(mcp, state_client, lambda: guard.pressure() if guard is not None else None)
    return mcp


async def serve_http(settings: Settings) -> None:
    """Serve streamable HTTP at ``http://HOST:PORT/mcp`` until SIGTERM/SIGINT.

    Raises :class:`~mcp_front.exposure.ExposureError` for a configuration that would serve the
    TIDAL account to the network without a key.
    """
    check_exposure(settings)
    guard = HttpGuard.from_settings(settings)
    mcp = build_server(settings, guard=guard)
    app = mcp.streamable_http_app(
        streamable_http_path="/mcp",
        host=settings.host,
        transport_security=transport_security(settings),
        session_idle_timeout=settings.session_idle_timeout,
        max_sessions=None,  # the guard caps sessions per client and in total, reclaiming idle ones
        retry_interval=resumability.RETRY_MS,  # with each session's event store: resumable SSE streams
    )
    resumability.install(mcp.session_manager, resumability.EventLog())  # each legacy session: its own event store
    config = uvicorn.Config(
        guard.wrap(app, mcp.session_manager),
        host=settings.host,
        port=settings.port,
        http=guard.protocol(),
        log_config=None,  # keep our JSON logging on stderr
        access_log=False,
        timeout_graceful_shutdown=5,
        timeout_keep_alive=75,
    )
    log.info("serving MCP over HTTP", extra={"url": f"http://{settings.host}:{settings.port}/mcp"})
    await uvicorn.Server(config).serve()


async def serve_stdio(settings: Settings) -> None:
    """Serve MCP over stdin/stdout (logs stay on stderr)."""
    await build_server(settings, http=False).run_stdio_async()
