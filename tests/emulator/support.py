"""Helpers shared by the emulator's test modules (raw HTTP client, seeded-object finders)."""

from __future__ import annotations

from typing import Any

import requests
import tidalapi

from tests.fake_tidal import FakeTidal
from tests.fake_tidal.client import Control

PARAMS = {"countryCode": "US", "sessionId": "s", "limit": 1000}


class Api:
    """Bearer-authenticated raw HTTP against one emulator (tidalapi's default params included)."""

    def __init__(self, emu: FakeTidal, token: str | None = None) -> None:
        self.base = emu.url
        self.http = requests.Session()
        self.token = token or emu.issue_tokens()["access_token"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        params = {**PARAMS, **kwargs.pop("params", {})}
        timeout = kwargs.pop("timeout", 10)
        return self.http.request(method, f"{self.base}{path}", params=params, timeout=timeout, **kwargs)

    def json(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        assert response.status_code == expect, response.text
        return response.json()


def own_playlist_uuid(control: Control, size: int) -> str:
    """The seeded user's playlist holding ``size`` tracks."""
    for key in control.get("catalog")["user_playlist_uuids"]:
        if len(control.get(f"snapshot/playlist/{key}")["trackIds"]) == size:
            return key
    raise AssertionError(f"no own playlist with {size} tracks")


def v2(session: tidalapi.Session, method: str, path: str, **params: Any) -> requests.Response:
    """A request through tidalapi's own request layer to the private v2 API."""
    return session.request.request(method, path, base_url=session.config.api_v2_location, params=params)
