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

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import redis
import uvicorn
from mcp.server import MCPServer
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mcp_front.auth import auth_options
from mcp_front.dispatch import Dispatcher
from mcp_front.tools import register_tools
from mcp_front.waiter import ResultWaiter
from shared import metrics
from shared.pool import count_live_workers
from shared.redis_conn import UNAVAILABLE_ERRORS, connect, connect_async, location
from shared.settings import Settings

log = logging.getLogger(__name__)

VERSION = "0.1.0"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
INSTRUCTIONS = """\
Tools for the TIDAL music service. Use tidal_search to find tracks, albums, artists and playlists
by words, then tidal_get_track / tidal_get_album / tidal_get_artist / tidal_get_playlist with the ids
it returns. tidal_auth_status tells whether the server is logged in to TIDAL. Answers may come from
a cache; results are plain JSON with ids you can pass to the other tools."""


@dataclass
class FrontState:
    """What the tools and HTTP routes share for the life of the process."""

    dispatcher: Dispatcher
    sync_redis: redis.Redis


def build_server(settings: Settings, *, http: bool = True) -> MCPServer:
    """The MCP server with every tool and HTTP route declared (``http``: apply the bearer token)."""
    holder: dict[str, FrontState] = {}

    @asynccontextmanager
    async def lifespan(_server: MCPServer) -> AsyncIterator[FrontState]:
        sync_redis = connect(settings.redis_url)
        async_redis = connect_async(settings.redis_url)
        waiter = ResultWaiter(async_redis, sync_redis)
        await waiter.start()
        dispatcher = Dispatcher(async_redis, waiter, sync_redis, wait_timeout=settings.wait_timeout,
                                max_inflight=settings.max_inflight, max_queue_depth=settings.max_queue_depth)
        state = FrontState(dispatcher, sync_redis)
        holder["state"] = state
        log.info("front ready", extra={"redis": location(sync_redis)})
        try:
            yield state
        finally:
            holder.pop("state", None)
            await waiter.stop()
            await async_redis.aclose()
            sync_redis.close()

    mcp = MCPServer(
        "tidal-mcp",
        title="TIDAL",
        version=VERSION,
        instructions=INSTRUCTIONS,
        lifespan=lifespan,
        log_level=settings.log_level,
        **(auth_options(settings) if http else {}),
    )
    register_tools(mcp)

    @mcp.custom_route("/health", methods=["GET"])
    async def health(_request: Request) -> JSONResponse:
        state = holder.get("state")
        if state is None:
            return JSONResponse({"status": "starting", "reason": "the front is still starting"}, status_code=503)
        try:
            workers = await asyncio.to_thread(_pool_workers, state.sync_redis)
        except UNAVAILABLE_ERRORS + (redis.RedisError,) as exc:
            return JSONResponse({"status": "unavailable", "redis": "down",
                                 "reason": f"Redis does not answer ({type(exc).__name__})"}, status_code=503)
        if workers == 0:
            return JSONResponse({"status": "unavailable", "redis": "ok", "workers": 0,
                                 "reason": "no worker process is alive"}, status_code=503)
        return JSONResponse({"status": "ok", "redis": "ok", "workers": workers})

    @mcp.custom_route("/ready", methods=["GET"])
    async def ready(_request: Request) -> JSONResponse:
        state = holder.get("state")
        ok = state is not None and await asyncio.to_thread(_ping, state.sync_redis)
        return JSONResponse({"ready": bool(ok)}, status_code=200 if ok else 503)

    @mcp.custom_route("/metrics", methods=["GET"])
    async def metrics_route(_request: Request) -> Response:
        state = holder.get("state")
        try:
            body, content_type = await asyncio.to_thread(metrics.render, state.sync_redis if state else None)
        except UNAVAILABLE_ERRORS + (redis.RedisError,):
            body, content_type = await asyncio.to_thread(metrics.render, None)
        return Response(body, media_type=content_type)

    return mcp


def _pool_workers(client: redis.Redis) -> int:
    client.ping()
    return count_live_workers(client)


def _ping(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


async def serve_http(settings: Settings) -> None:
    """Serve streamable HTTP at ``http://HOST:PORT/mcp`` until SIGTERM/SIGINT."""
    if settings.host not in LOOPBACK and not settings.auth_token:
        log.warning("serving beyond loopback without TIDAL_MCP_AUTH_TOKEN: anyone who reaches this port can use "
                    "the TIDAL account", extra={"host": settings.host})
    app = build_server(settings).streamable_http_app(streamable_http_path="/mcp", host=settings.host)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
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
