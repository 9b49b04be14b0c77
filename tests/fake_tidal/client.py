"""Wiring the REAL tidalapi (and a control client) to a running emulator, for tests.

Only URL settings change: a fresh ``tidalapi.Config`` points at the emulator, and an adapter
mounted on ``session.request_session`` rewrites the one hard-coded URL
(``https://auth.tidal.com/v1/oauth2/device_authorization``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests
import tidalapi
from requests.adapters import HTTPAdapter

if TYPE_CHECKING:
    from .app import FakeTidal

DEVICE_AUTH_URL = "https://auth.tidal.com/v1/oauth2/device_authorization"


class RedirectDeviceAuth(HTTPAdapter):
    """Rewrites tidalapi's hard-coded device_authorization URL onto the emulator."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if request.url and request.url.startswith(DEVICE_AUTH_URL):
            request.url = f"{self.base}/auth/v1/oauth2/device_authorization" + request.url[len(DEVICE_AUTH_URL) :]
        else:
            raise AssertionError(f"unexpected https request from tidalapi: {request.url}")
        return super().send(request, **kwargs)


def tidal_config(base: str) -> tidalapi.Config:
    """A fresh Config pointing every URL at the emulator (never reuse Session()'s default)."""
    cfg = tidalapi.Config()
    cfg.api_v1_location = f"{base}/v1/"
    cfg.api_v2_location = f"{base}/v2/"
    cfg.openapi_v2_location = f"{base}/openapi/v2/"
    cfg.api_oauth2_token = f"{base}/auth/v1/oauth2/token"
    cfg.api_pkce_auth = f"{base}/login/authorize"
    return cfg


def tidal_session(emu: FakeTidal) -> tidalapi.Session:
    """A real tidalapi Session wired to ``emu`` (not logged in)."""
    session = tidalapi.Session(tidal_config(emu.url))
    session.request_session.mount("https://", RedirectDeviceAuth(emu.url))
    return session


def logged_in_session(emu: FakeTidal) -> tidalapi.Session:
    """A tidalapi Session logged in through load_oauth_session with freshly issued tokens."""
    session = tidal_session(emu)
    tokens = emu.issue_tokens()
    assert session.load_oauth_session("Bearer", tokens["access_token"], tokens["refresh_token"])
    return session


class Control:
    """Thin client for the emulator's /_control/ API."""

    def __init__(self, base: str) -> None:
        self.base = f"{base}/_control"
        self.http = requests.Session()

    def get(self, path: str) -> Any:
        response = self.http.get(f"{self.base}/{path}", timeout=10)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: dict | None = None) -> Any:
        response = self.http.post(f"{self.base}/{path}", json=body or {}, timeout=10)
        response.raise_for_status()
        return response.json()

    def delete(self, path: str) -> Any:
        response = self.http.delete(f"{self.base}/{path}", timeout=10)
        response.raise_for_status()
        return response.json()
