"""The counting + fault-injection middleware that sits in front of every TIDAL route.

Order per request: count (route template and concrete path) → latency → visible rate limit →
hidden budget → openapi bucket (429s) → stall → injected error → the route → answer latency (the
route's change is made, its answer held back); then the answer's status is counted and
``x-ratelimit-*`` headers are added where TIDAL sends them (openapi always; everything when
``ratelimit_headers`` is on). The control API and the device page are not TIDAL traffic and pass
straight through; CDN media is counted but never rate limited.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from .common import FAULTS_KEY, state_of
from .errors import JSONAPI_CONTENT_TYPE, Handler, TidalError, error_response, reason, render
from .faults import FaultInjector
from .ratelimit import Verdict

UNCOUNTED_PREFIXES = ("/_control/", "/device")
METERED_PREFIXES = ("/v1/", "/v2/", "/openapi/", "/auth/")
UNKNOWN_ROUTE = "<unknown>"


def route_template(request: web.Request) -> str:
    """The matched route's template (``/v1/tracks/{id}``) or ``<unknown>``."""
    route = request.match_info.route
    resource = getattr(route, "resource", None)
    return resource.canonical if resource is not None else UNKNOWN_ROUTE


def rate_limited(path: str, retry_after: int, headers: dict[str, str] | None = None) -> web.Response:
    """The 429 answer, in the v1 or the openapi shape, with an integer Retry-After."""
    headers = {"Retry-After": str(retry_after), **(headers or {})}
    if path.startswith("/openapi/"):
        body = {"errors": [{"status": "429", "detail": "Rate limit exceeded"}]}
        return web.json_response(body, status=429, headers=headers, content_type=JSONAPI_CONTENT_TYPE)
    if path.startswith("/auth/"):
        body = {"status": 429, "error": "slow_down", "sub_status": -1, "error_description": "Rate limit exceeded"}
        return web.json_response(body, status=429, headers=headers)
    body = {"status": 429, "subStatus": -1, "userMessage": "Rate limit exceeded"}
    return web.json_response(body, status=429, headers=headers)


def _budget_key(request: web.Request, scope: str) -> str:
    """The hidden budget's bucket: the bearer token (or "anonymous"), or one global bucket."""
    if scope == "global":
        return "global"
    header = request.headers.get("Authorization", "")
    return header.partition(" ")[2].strip() or "anonymous"


async def _gate(request: web.Request, injector: FaultInjector) -> tuple[web.Response | None, dict[str, str]]:
    """Apply the faults before the route; a response here replaces the route's answer."""
    path = request.path
    settings = injector.settings
    scoped = settings.applies_to(path)
    headers: dict[str, str] = {}
    if scoped and settings.latency_ms:
        await asyncio.sleep(settings.latency_ms / 1000)
    if not path.startswith(METERED_PREFIXES):
        return None, headers
    if scoped and injector.bucket is not None:
        wait = injector.bucket.take()
        if wait > 0:
            return rate_limited(path, injector.retry_after(wait)), headers
    if injector.budget is not None:
        hidden = injector.budget.take(_budget_key(request, settings.budget_scope))
        if settings.ratelimit_headers:
            headers = hidden.headers()
        if not hidden.allowed:
            return rate_limited(path, _retry_after(injector, hidden), headers), headers
    if path.startswith("/openapi/"):
        told = injector.openapi.take(_budget_key(request, "token"))
        headers = told.headers()
        if not told.allowed:
            return rate_limited(path, _retry_after(injector, told), headers), headers
    if scoped and injector.roll(settings.stall_rate):
        await asyncio.sleep(settings.stall_ms / 1000)
    if scoped and injector.roll(settings.error_rate):
        status = settings.error_status
        if status == 429:
            return rate_limited(path, injector.retry_after(1.0), headers), headers
        return render(path, TidalError(status, -1, reason(status))), headers
    return None, headers


def _retry_after(injector: FaultInjector, verdict: Verdict) -> int:
    if injector.settings.retry_after is not None:
        return injector.settings.retry_after
    return verdict.retry_after


@web.middleware
async def traffic(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count the request, apply the active faults, count the answer's status."""
    path = request.path
    if path.startswith(UNCOUNTED_PREFIXES):
        return await handler(request)
    state = state_of(request)
    state.count(request.method, route_template(request), path)
    response, headers = await _gate(request, request.app[FAULTS_KEY])
    if response is None:
        try:
            response = await handler(request)
        except Exception as exc:  # noqa: BLE001 - every error becomes TIDAL-shaped JSON
            response = error_response(request, exc)
        settings = request.app[FAULTS_KEY].settings
        if settings.answer_latency_ms and settings.applies_to(path):
            await asyncio.sleep(settings.answer_latency_ms / 1000)
    if headers and not response.prepared:
        response.headers.update(headers)
    state.count_status(response.status)
    return response
