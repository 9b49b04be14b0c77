"""auth.tidal.com: device authorization, the token endpoint, bearer checks, the device page.

All bodies are form-encoded (tidalapi posts ``data=``). Error bodies use the OAuth shape
``{"status","error","sub_status","error_description"}``; tidalapi reads ``error`` on a poll
and ``error``/``error_description`` on a failed refresh.
"""

from __future__ import annotations

import html
import time

from aiohttp import web

from . import shapes
from .common import SESSION_ID_KEY, TOKEN_KEY, USER_ID_KEY, state_of
from .errors import JSONAPI_CONTENT_TYPE, Handler, TidalError, openapi_body, v1_body
from .state import State, TokenRecord

routes = web.RouteTableDef()

DEFAULT_SCOPE = "r_usr w_usr w_sub"
CLIENT_NAME = "Android Automotive"
PROTECTED_PREFIXES = ("/v1/", "/v2/", "/openapi/")


def _grant_error(error: str, sub_status: int, description: str) -> TidalError:
    return TidalError(400, sub_status, description, error=error)


INVALID_GRANT = ("invalid_grant", 11101, "Token could not be verified")


@routes.post("/auth/v1/oauth2/device_authorization")
async def device_authorization(request: web.Request) -> web.Response:
    """Start a device login: the six keys tidalapi's LinkLogin requires."""
    form = await request.post()
    client_id = str(form.get("client_id", ""))
    if not client_id:
        raise TidalError(401, 1005, f"Client with token {client_id} not found", error="invalid_client")
    state = state_of(request)
    login = state.new_device_login()
    base = f"{request.host}/device"
    return web.json_response(
        {
            "deviceCode": login.device_code,
            "userCode": login.user_code,
            "verificationUri": base,
            "verificationUriComplete": f"{base}/{login.user_code}",
            "expiresIn": state.options.device_expires_in,
            "interval": _number(state.options.device_interval),
        }
    )


def _number(value: float) -> int | float:
    """An int when integral (TIDAL sends ``"interval": 2``), else the float."""
    return int(value) if float(value).is_integer() else value


@routes.post("/auth/v1/oauth2/token")
async def token(request: web.Request) -> web.Response:
    """The token endpoint: device_code, refresh_token and authorization_code (PKCE) grants."""
    form = await request.post()
    state = state_of(request)
    grant_type = str(form.get("grant_type", ""))
    scope = str(form.get("scope") or DEFAULT_SCOPE).replace("+", " ")
    if grant_type == "urn:ietf:params:oauth:grant-type:device_code":
        issued = _poll_device(state, str(form.get("device_code", "")))
    elif grant_type == "refresh_token":
        refreshed = state.refresh(str(form.get("refresh_token", "")))
        if refreshed is None:
            raise _grant_error(*INVALID_GRANT)
        return web.json_response(_token_body(state, refreshed, scope))
    elif grant_type == "authorization_code":
        if not form.get("code"):
            raise _grant_error("invalid_request", 1002, "Missing parameter: code")
        issued = state.issue_tokens(client="pkce")
    else:
        raise _grant_error("unsupported_grant_type", 1003, f"Grant type [{grant_type}] is not supported")
    return web.json_response(_token_body(state, issued, scope))


def _poll_device(state: State, device_code: str) -> dict:
    """Answer one device-code poll: pending, expired, or the issued tokens."""
    with state.lock:
        login = state.devices.get(device_code)
        if login is None:
            raise _grant_error(*INVALID_GRANT)
        if time.time() >= login.expires_at:
            raise _grant_error("expired_token", 1003, "The device code has expired")
        login.polls += 1
        if state.options.auto_approve and login.polls >= 2:
            login.approved = True
        if not login.approved:
            raise _grant_error("authorization_pending", 1002, "Device Authorization code is not authorized yet")
        del state.devices[device_code]
        return state.issue_tokens()


def _token_body(state: State, issued: dict, scope: str) -> dict:
    """Token reply like oauth_token.json; refresh replies carry a refresh_token only when rotated."""
    body = {
        "scope": scope,
        "user": shapes.oauth_user_json(state.catalog.user),
        "clientName": CLIENT_NAME,
        "token_type": "Bearer",
        "access_token": issued["access_token"],
    }
    if "refresh_token" in issued:
        body["refresh_token"] = issued["refresh_token"]
    body["expires_in"] = issued["expires_in"]
    body["user_id"] = issued["user_id"]
    return body


@routes.get("/device")
async def device_page(request: web.Request) -> web.Response:
    """The "link.tidal.com" landing page: lists pending codes (a person would type one)."""
    state = state_of(request)
    with state.lock:
        pending = sorted(d.user_code for d in state.devices.values() if not d.approved)
    links = "".join(f'<li><a href="/device/{c}">{c}</a></li>' for c in pending)
    return web.Response(
        text=f"<html><body><h1>Link a device</h1><ul>{links}</ul></body></html>", content_type="text/html"
    )


@routes.get("/device/{user_code}")
async def device_approve_page(request: web.Request) -> web.Response:
    """Opening the verification link approves that login (HTML, or JSON when asked for)."""
    code = request.match_info["user_code"]
    approved = state_of(request).approve_devices(code)
    if not approved:
        raise TidalError(404, 2001, f"Device code [{code}] not found")
    if "application/json" in request.headers.get("Accept", ""):
        return web.json_response({"approved": approved})
    safe = html.escape(code)
    return web.Response(text=f"<html><body><p>Device {safe} is now linked.</p></body></html>", content_type="text/html")


def _unauthorized(path: str, sub_status: int, message: str) -> web.Response:
    if path.startswith("/openapi/"):
        return web.json_response(
            openapi_body(401, message, code="UNAUTHORIZED"), status=401, content_type=JSONAPI_CONTENT_TYPE
        )
    return web.json_response(v1_body(401, sub_status, message), status=401)


def check_bearer(state: State, header: str) -> TokenRecord | int:
    """The token record for an ``Authorization`` header, or the 401 subStatus to answer."""
    scheme, _, value = header.partition(" ")
    record = state.tokens.get(value.strip()) if scheme.lower() == "bearer" else None
    if record is None:
        return 11002
    if time.time() >= record.expires_at:
        return 11003
    return record


@web.middleware
async def require_bearer(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every /v1, /v2 and /openapi route needs a valid, unexpired bearer token."""
    if not request.path.startswith(PROTECTED_PREFIXES):
        return await handler(request)
    result = check_bearer(state_of(request), request.headers.get("Authorization", ""))
    if result == 11003:
        return _unauthorized(request.path, 11003, "The token has expired. (Expired on time)")
    if isinstance(result, int):
        return _unauthorized(request.path, 11002, "Token has invalid payload")
    request[USER_ID_KEY] = result.user_id
    request[SESSION_ID_KEY] = result.session_id
    request[TOKEN_KEY] = result
    return await handler(request)
