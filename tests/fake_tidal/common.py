"""Small helpers shared by the route modules: app keys, parameter parsing, paging."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from .errors import TidalError
from .faults import FaultInjector
from .state import State, TokenRecord

STATE_KEY: web.AppKey[State] = web.AppKey("state", State)
FAULTS_KEY: web.AppKey[FaultInjector] = web.AppKey("faults", FaultInjector)
#: Set by the bearer middleware on every /v1, /v2, /openapi request.
USER_ID_KEY: web.RequestKey[int] = web.RequestKey("user_id", int)
SESSION_ID_KEY: web.RequestKey[str] = web.RequestKey("session_id", str)
TOKEN_KEY: web.RequestKey[TokenRecord] = web.RequestKey("token", TokenRecord)

#: v1 lists answer 10 items when the client sends no ``limit``.
DEFAULT_PAGE = 10


def state_of(request: web.Request) -> State:
    """The State the request's app serves."""
    return request.app[STATE_KEY]


def int_param(request: web.Request, name: str, default: int, *, minimum: int = 0) -> int:
    """An integer query parameter; 400 when it is not an integer."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise TidalError(400, 1002, f"Parameter [{name}] must be an integer") from None
    return max(minimum, value)


def form_int(form: Mapping[str, Any], name: str, default: int) -> int:
    """A non-negative integer form field; 400 when it is not an integer."""
    raw = str(form.get(name, "")).strip()
    if raw == "":
        return default
    try:
        return max(0, int(raw))
    except ValueError:
        raise TidalError(400, 1002, f"Parameter [{name}] must be an integer") from None


def paging(request: web.Request, *, max_limit: int | None = None) -> tuple[int, int]:
    """``(limit, offset)``; a limit above ``max_limit`` is clamped, never an error."""
    limit = int_param(request, "limit", DEFAULT_PAGE)
    offset = int_param(request, "offset", 0)
    if max_limit is not None:
        limit = min(limit, max_limit)
    return limit, offset


def int_path(request: web.Request, name: str, kind: str) -> int:
    """A numeric path segment; a non-number is reported as not found, like TIDAL."""
    raw = request.match_info[name]
    try:
        return int(raw)
    except ValueError:
        raise TidalError(404, 2001, f"{kind} [{raw}] not found") from None


def current_user_id(request: web.Request) -> int:
    """The user id the request's bearer token belongs to (set by the auth middleware)."""
    return request[USER_ID_KEY]


def require_own_user(request: web.Request) -> int:
    """The ``{user_id}`` path segment, which must be the token's own user."""
    user_id = int_path(request, "user_id", "User")
    if user_id != current_user_id(request):
        raise TidalError(403, 4005, "User does not have access to this resource")
    return user_id


def split_ids(raw: str | None) -> list[str]:
    """``"1,2, 3"`` → ``["1","2","3"]``."""
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def json(data: Any, *, status: int = 200, etag: str | None = None) -> web.Response:
    """A JSON response, with an ETag header when given."""
    headers = {"ETag": etag} if etag else None
    return web.json_response(data, status=status, headers=headers)
