"""TIDAL's error bodies (v1, auth, openapi v2) and the middleware that keeps every error JSON.

tidalapi calls ``response.json()`` on every error body, so a text/HTML error (aiohttp's
default 404/405/500) would surface as JSONDecodeError instead of the mapped exception.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from aiohttp import web

log = logging.getLogger("fake_tidal")

OPENAPI_PREFIX = "/openapi/"
AUTH_PREFIX = "/auth/"
JSONAPI_CONTENT_TYPE = "application/vnd.api+json"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class TidalError(Exception):
    """Raised by handlers; rendered in the shape that suits the request path."""

    def __init__(
        self,
        status: int,
        sub_status: int,
        message: str,
        *,
        error: str | None = None,
        headers: dict[str, str] | None = None,
        parameter: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.sub_status = sub_status
        self.message = message
        self.error = error
        self.headers = headers or {}
        self.parameter = parameter


def v1_body(status: int, sub_status: int, message: str) -> dict[str, Any]:
    """``{"status","subStatus","userMessage"}`` as api.tidal.com/v1 sends."""
    return {"status": status, "subStatus": sub_status, "userMessage": message}


def auth_body(status: int, error: str, sub_status: int, description: str) -> dict[str, Any]:
    """auth.tidal.com's OAuth error body."""
    return {"status": status, "error": error, "sub_status": sub_status, "error_description": description}


def openapi_body(status: int, detail: str, code: str | None = None, parameter: str | None = None) -> dict[str, Any]:
    """openapi.tidal.com's JSON:API ``errors`` body."""
    err: dict[str, Any] = {}
    if code:
        err["id"] = str(uuid.uuid4())
    err["status"] = str(status)
    if code:
        err["code"] = code
    err["detail"] = detail
    if parameter:
        err["source"] = {"parameter": parameter}
    return {"errors": [err]}


def not_found(kind: str, ident: object) -> TidalError:
    """404/2001 ``"<Kind> [id] not found"``."""
    return TidalError(404, 2001, f"{kind} [{ident}] not found")


def render(path: str, err: TidalError) -> web.Response:
    """Render ``err`` in the body shape of the API family ``path`` belongs to."""
    if path.startswith(OPENAPI_PREFIX):
        body = openapi_body(err.status, err.message, code=err.error, parameter=err.parameter)
        return web.json_response(body, status=err.status, headers=err.headers, content_type=JSONAPI_CONTENT_TYPE)
    if path.startswith(AUTH_PREFIX):
        body = auth_body(err.status, err.error or _default_oauth_error(err.status), err.sub_status, err.message)
        return web.json_response(body, status=err.status, headers=err.headers)
    return web.json_response(v1_body(err.status, err.sub_status, err.message), status=err.status, headers=err.headers)


def _default_oauth_error(status: int) -> str:
    return "temporarily_unavailable" if status >= 500 else "invalid_request"


def reason(status: int) -> str:
    """The HTTP reason phrase, e.g. "Service unavailable" for 503."""
    try:
        return HTTPStatus(status).phrase.capitalize()
    except ValueError:
        return "Error"


def error_response(request: web.Request, exc: Exception) -> web.Response:
    """The JSON answer for an exception a handler raised (re-raises redirects and the like)."""
    if isinstance(exc, TidalError):
        return render(request.path, exc)
    if isinstance(exc, web.HTTPException):
        if exc.status < 400:
            raise exc
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        sub_status = 2001 if exc.status == 404 else -1
        message = f"Path [{request.path}] not found" if exc.status == 404 else reason(exc.status)
        return render(request.path, TidalError(exc.status, sub_status, message, headers=headers))
    log.error("internal error on %s %s", request.method, request.path_qs, exc_info=exc)
    return render(request.path, TidalError(500, 999, "Unexpected error occurred."))


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Outermost middleware: TidalError, aiohttp's HTTP errors and crashes all become JSON."""
    try:
        return await handler(request)
    except Exception as exc:  # noqa: BLE001 - the emulator must answer JSON even when it has a bug
        return error_response(request, exc)
