"""The front's operational routes: ``/health``, ``/ready`` and ``/metrics``.

``/health`` tells "the stack is up" (Redis answers, a worker lives: 200, else 503 with the reason)
apart from "TIDAL answers and accepts the login" (``status: degraded`` with its reasons, still 200:
cached answers keep flowing). It reads what the pool last saw of TIDAL and the login
(:mod:`shared.upstream`) and the circuit state - it never calls TIDAL itself - plus the front's
HTTP pressure (connections, legacy sessions).

Example::

    {"status": "degraded", "reasons": ["TIDAL is failing (last answer 503)"], "redis": "ok", "workers": 2,
     "tidal": {"state": "failing", "last_status": 503, "circuit": "open"}, "login": "ok", "http": {...}}
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import redis
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from shared import metrics
from shared.circuit import circuit_state
from shared.pool import count_live_workers
from shared.redis_conn import UNAVAILABLE_ERRORS
from shared.upstream import read_upstream

LOGIN_PROBLEMS = {
    "missing": "no TIDAL login is stored (run `tidal-mcp login`)",
    "rejected": "TIDAL rejected the stored login (run `tidal-mcp login` again)",
    "unreadable": "the stored login cannot be read (check the keyring settings)",
}


def health_report(client: redis.Redis, pressure: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
    """``(http status, body)`` of ``/health``; also what ``tidal-mcp status`` shows."""
    try:
        client.ping()
        workers = count_live_workers(client)
        upstream = read_upstream(client)
        circuit = circuit_state(client)
    except UNAVAILABLE_ERRORS + (redis.RedisError,) as exc:
        return 503, {
            "status": "unavailable",
            "redis": "down",
            "reason": f"Redis does not answer ({type(exc).__name__})",
        }
    body: dict[str, Any] = {
        "redis": "ok",
        "workers": workers,
        "tidal": {"state": upstream["tidal"], "last_status": upstream["last_status"], "circuit": circuit["state"]},
        "login": upstream["login"],
    }
    if pressure is not None:
        body["http"] = pressure
    if workers == 0:
        return 503, {"status": "unavailable", **body, "reason": "no worker process is alive"}
    reasons = []
    if upstream["tidal"] == "failing":
        reasons.append(f"TIDAL is failing (last answer {upstream['last_status'] or 'none'})")
    if circuit["state"] != "closed":
        reasons.append(f"the circuit breaker is {circuit['state'].replace('_', '-')}")
    if upstream["login"] in LOGIN_PROBLEMS:
        reasons.append(LOGIN_PROBLEMS[upstream["login"]])
    if reasons:
        return 200, {"status": "degraded", "reasons": reasons, **body}
    return 200, {"status": "ok", **body}


def add_routes(
    mcp: Any, client_of: Callable[[], redis.Redis | None], pressure: Callable[[], dict[str, Any] | None]
) -> None:
    """Declare ``/health``, ``/ready`` and ``/metrics`` on ``mcp`` (never authenticated)."""

    @mcp.custom_route("/health", methods=["GET"])
    async def health(_request: Request) -> JSONResponse:
        client = client_of()
        if client is None:
            return JSONResponse({"status": "starting", "reason": "the front is still starting"}, status_code=503)
        status, body = await asyncio.to_thread(health_report, client, pressure())
        return JSONResponse(body, status_code=status)

    @mcp.custom_route("/ready", methods=["GET"])
    async def ready(_request: Request) -> JSONResponse:
        client = client_of()
        ok = client is not None and await asyncio.to_thread(_ping, client)
        return JSONResponse({"ready": bool(ok)}, status_code=200 if ok else 503)

    @mcp.custom_route("/metrics", methods=["GET"])
    async def metrics_route(_request: Request) -> Response:
        client = client_of()
        try:
            body, content_type = await asyncio.to_thread(metrics.render, client)
        except UNAVAILABLE_ERRORS + (redis.RedisError,):
            body, content_type = await asyncio.to_thread(metrics.render, None)
        return Response(body, media_type=content_type)


def _ping(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except UNAVAILABLE_ERRORS + (redis.RedisError,):
        return False
