"""What the pool last saw of TIDAL and of the login, so health checks can tell without calling TIDAL.

Workers record the outcome of their TIDAL requests and of their login (session restore, token
refresh) in Redis; ``/health``, ``/ready`` and ``tidal-mcp status`` read it. Probes therefore never
make TIDAL calls of their own, and "the stack is up" is told apart from "TIDAL answers and accepts
the login".

Writes are cheap: a worker writes when the outcome changes, and otherwise at most every
:data:`REFRESH_EVERY` seconds; entries expire after :data:`STALE_AFTER` seconds without news
("unknown": nothing has called TIDAL lately).

Example::

    health = UpstreamHealth(redis_client)
    health.request_done(200)          # from the transport's observer
    health.login("rejected")          # from the session holder
    read_upstream(redis_client)       # {"tidal": "reachable", "last_status": 200, "login": "rejected"}
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import redis

from shared.redis_conn import UNAVAILABLE_ERRORS

log = logging.getLogger(__name__)

TIDAL_KEY = "tidal:health:tidal"
LOGIN_KEY = "tidal:health:login"
REFRESH_EVERY = 5.0
STALE_AFTER = 600
LOGIN_STATES = ("ok", "missing", "rejected", "unreadable")


def _failing(status: int) -> bool:
    """A TIDAL answer that says TIDAL (not the request) has a problem: no answer, 5xx."""
    return status == 0 or status >= 500


class UpstreamHealth:
    """The worker side: records outcomes (never raises; health bookkeeping must not fail a job)."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self._last: tuple[bool, float] | None = None

    def request_done(self, status: int) -> None:
        """After each TIDAL exchange (``status`` 0 when no answer came)."""
        failing = _failing(status)
        now = time.monotonic()
        if self._last is not None and self._last[0] == failing and now - self._last[1] < REFRESH_EVERY:
            return
        self._last = (failing, now)
        self._write(TIDAL_KEY, {"state": "failing" if failing else "reachable", "last_status": status})

    def login(self, state: str) -> None:
        """After a session restore or refresh: one of :data:`LOGIN_STATES`."""
        self._write(LOGIN_KEY, {"state": state})

    def _write(self, key: str, value: dict[str, Any]) -> None:
        try:
            self.client.set(key, json.dumps(value), ex=STALE_AFTER)
        except UNAVAILABLE_ERRORS + (redis.RedisError,):
            pass


def read_upstream(client: redis.Redis) -> dict[str, Any]:
    """``{"tidal": reachable|failing|unknown, "last_status": int|None, "login": ok|missing|rejected|unknown}``."""
    pipe = client.pipeline(transaction=False)
    pipe.get(TIDAL_KEY)
    pipe.get(LOGIN_KEY)
    tidal_raw, login_raw = pipe.execute()
    tidal = json.loads(tidal_raw) if tidal_raw else {}
    login = json.loads(login_raw) if login_raw else {}
    return {
        "tidal": tidal.get("state", "unknown"),
        "last_status": tidal.get("last_status"),
        "login": login.get("state", "unknown"),
    }
