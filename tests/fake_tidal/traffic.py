"""The counting + fault-injection middleware that sits in front of every TIDAL route.

Order per request: count (route template and concrete path) → latency → rate limit (429)
→ stall → injected error → the route. The control API and the device page are not TIDAL
traffic and pass straight through.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from .common import FAULTS_KEY, state_of
from .errors import JSONAPI_CONTENT_TYPE, Handler, TidalError, reason, render

UNCOUNTED_PREFIXES = ("/_control/", "/device")
UNKNOWN_ROUTE = "<unknown>"


def route_template(request: web.Request) -> str:
    """The matched route's template (``/v1/tracks/{id}``) or ``<unknown>``."""
    route = request.match_info.route
    resource = getattr(route, "resource", None)
    return resource.canonical if resource is not None else UNKNOWN_ROUTE


def rate_limited(path: str, retry_after: int) -> web.Response:
    """The 429 answer, in the v1 or the openapi shape, with an integer Retry-After."""
    headers = {"Retry-After": str(retry_after)}
    if path.startswith("/openapi/"):
        body = {"errors": [{"status": "429", "detail": "Rate limit exceeded"}]}
        return web.json_response(body, status=429, headers=headers, content_type=JSONAPI_CONTENT_TYPE)
    if path.startswith("/auth/"):
        body = {"status": 429, "error": "slow_down", "sub_status": -1, "error_description": "Rate limit exceeded"}
        return web.json_response(body, status=429, headers=headers)
    body = {"status": 429, "subStatus": -1, "userMessage": "Rate limit exceeded"}
    return web.json_response(body, status=429, headers=headers)


@web.middleware
async def traffic(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count the request, then apply the active faults."""
    path = request.path
    if path.startswith(UNCOUNTED_PREFIXES):
        return await handler(request)
    state_of(request).count(request.method, route_template(request), path)
    injector = request.app[FAULTS_KEY]
    settings = injector.settings
    if not settings.applies_to(path):
        return await handler(request)
    if settings.latency_ms:
        await asyncio.sleep(settings.latency_ms / 1000)
    if injector.bucket is not None:
        wait = injector.bucket.take()
        if wait > 0:
            return rate_limited(path, injector.retry_after(wait))
    if injector.roll(settings.stall_rate):
        await asyncio.sleep(settings.stall_ms / 1000)
    if injector.roll(settings.error_rate):
        status = settings.error_status
        if status == 429:
            return rate_limited(path, injector.retry_after(1.0))
        return render(path, TidalError(status, -1, reason(status)))
    return await handler(request)
