"""Building tidalapi sessions that are safe to run in a pool: timeouts, throttling, retries, URLs.

tidalapi sends every request through ``session.request_session`` (a ``requests.Session``) with no
timeout and no retry. :class:`TidalAdapter` is mounted on it and, for every HTTP exchange:

1. rewrites TIDAL's hosts onto ``TIDAL_BASE_URL`` when set (every host, including the device-login
   URL tidalapi hard-codes), which is how workers and ``login`` reach the emulator;
2. takes a token from the pool-wide rate limiter;
3. applies the HTTP timeout;
4. retries (:mod:`shared.resilience`): 429s as long as the job's time allows (cutting the pool's
   rate and pausing every worker for ``Retry-After``), connection errors and 5xx of idempotent
   requests a few times.

Example::

    session = new_session(settings, limiter=PoolRateLimiter(r, ceiling=200, start=20))
    restore_login(session, token_store.load())
    session.track(77646170).name
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast
from urllib.parse import urlsplit

import requests
import tidalapi
from requests.adapters import HTTPAdapter

from shared import metrics, tracing
from shared.ratelimit import PoolRateLimiter, stated_budget
from shared.resilience import TransientResponse, http_retrying, raise_if_transient, retry_after_seconds
from shared.settings import Settings
from shared.tokens import StoredLogin

log = logging.getLogger(__name__)

# Real TIDAL origins -> path prefixes on TIDAL_BASE_URL. The emulator serves exactly these.
URL_PREFIXES = {
    "https://api.tidal.com/v1/": "/v1/",
    "https://api.tidal.com/v2/": "/v2/",
    "https://openapi.tidal.com/v2/": "/openapi/v2/",
    "https://auth.tidal.com/v1/": "/auth/v1/",
    "https://login.tidal.com/": "/login/",
}
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Observer = Callable[[str, str, int, float], None]
"""Called after each exchange with (method, path, status or 0 on error, seconds)."""


def rewrite_url(url: str, base_url: str) -> str:
    """Map a real TIDAL URL onto ``base_url``; other URLs are returned unchanged.

    >>> rewrite_url("https://auth.tidal.com/v1/oauth2/token", "http://127.0.0.1:8100")
    'http://127.0.0.1:8100/auth/v1/oauth2/token'
    """
    for origin, prefix in URL_PREFIXES.items():
        if url.startswith(origin):
            return base_url + prefix + url[len(origin) :]
    return url


def api_family(url: str) -> str:
    """Which TIDAL budget a request draws on: ``openapi`` (openapi.tidal.com) or ``v1`` (everything else)."""
    parts = urlsplit(url)
    return "openapi" if parts.netloc.startswith("openapi.") or parts.path.startswith("/openapi/") else "v1"


def make_config(base_url: str | None) -> tidalapi.Config:
    """A fresh tidalapi Config (never the shared default instance), pointed at ``base_url`` if set."""
    config = tidalapi.Config()
    if base_url:
        config.api_v1_location = rewrite_url(config.api_v1_location, base_url)
        config.api_v2_location = rewrite_url(config.api_v2_location, base_url)
        config.openapi_v2_location = rewrite_url(config.openapi_v2_location, base_url)
        config.api_oauth2_token = rewrite_url(config.api_oauth2_token, base_url)
        config.api_pkce_auth = rewrite_url(config.api_pkce_auth, base_url)
    return config


Remaining = Callable[[], float]
"""Seconds the current job may still spend on TIDAL (waits for budget and retries included)."""


class TidalAdapter(HTTPAdapter):
    """The transport under every tidalapi request (see module docstring)."""

    def __init__(
        self,
        *,
        base_url: str | None,
        timeout: float,
        limiter: PoolRateLimiter | None = None,
        remaining: Remaining | None = None,
        attempts: int = 4,
        observer: Observer | None = None,
    ) -> None:
        super().__init__(pool_connections=4, pool_maxsize=4)
        self.base_url = base_url
        self.timeout = timeout
        self.limiter = limiter
        self.remaining = remaining or (lambda: 20.0)
        self.attempts = attempts
        self.observer = observer
        # requests TIDAL accepted since the last token, per API family, reported with the next one
        self._accepted: dict[str, int] = {}

    def send(self, request: requests.PreparedRequest, **kwargs) -> requests.Response:  # type: ignore[override]
        family = api_family(request.url or "")
        if self.base_url and request.url:
            request.url = rewrite_url(request.url, self.base_url)
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        idempotent = request.method in IDEMPOTENT_METHODS
        try:
            for attempt in http_retrying(idempotent=idempotent, remaining=self.remaining, attempts=self.attempts):
                with attempt:
                    return raise_if_transient(self._send_once(request, family, **kwargs))
        except TransientResponse as exc:
            return exc.response  # out of retries or time: let tidalapi map the status as usual
        raise AssertionError("unreachable")  # pragma: no cover

    def _traced_send(
        self, request: requests.PreparedRequest, family: str, path: str, **kwargs: Any
    ) -> requests.Response:
        """One HTTP request inside its client span: method, route template, status; never the URL."""
        method = request.method or ""
        route = metrics.route_template(path)
        with tracing.span(
            f"{method} {route}",
            {"http.request.method": method, "url.template": route, "tidal_mcp.api": family},
            kind="client",
        ) as current:
            response = super().send(request, **kwargs)
            tracing.http_status(current, response.status_code)
            return response

    def _send_once(self, request: requests.PreparedRequest, family: str, **kwargs) -> requests.Response:
        limiter = self.limiter.family(family) if self.limiter is not None else None
        if limiter is not None:
            accepted, self._accepted[family] = self._accepted.get(family, 0), 0
            limiter.acquire(timeout=max(0.0, self.remaining()), accepted=accepted)
        path = urlsplit(request.url or "").path
        if family == "openapi" and not path.startswith("/openapi/"):
            path = "/openapi" + path  # openapi.tidal.com/v2/... is not api.tidal.com/v2/...
        start = time.perf_counter()
        status = 0
        try:
            if tracing.ENABLED:
                response = self._traced_send(request, family, path, **kwargs)
            else:
                response = super().send(request, **kwargs)
            status = response.status_code
        finally:
            elapsed = time.perf_counter() - start
            if self.observer is not None:
                self.observer(request.method or "", path, status, elapsed)
            log.debug(
                "tidal http",
                extra={"method": request.method, "path": path, "status": status, "ms": round(elapsed * 1000, 1)},
            )
        if limiter is None or not status:
            return response
        if status == 429:
            rate = limiter.throttled(retry_after_seconds(response) or 1.0)
            metrics.RATE_LIMIT_PAUSES.labels(api=family).inc()
            log.warning("TIDAL answered 429: the pool slows down", extra={"rate": round(rate, 2), "api": family})
        else:
            self._accepted[family] = self._accepted.get(family, 0) + 1
            stated = stated_budget(response.headers)
            if stated is not None:
                limiter.told(*stated)
        return response


def new_session(
    settings: Settings,
    *,
    limiter: PoolRateLimiter | None = None,
    remaining: Remaining | None = None,
    observer: Observer | None = None,
) -> tidalapi.Session:
    """A tidalapi Session with its own Config and :class:`TidalAdapter` mounted."""
    session = tidalapi.Session(make_config(settings.tidal_base_url))
    adapter = TidalAdapter(
        base_url=settings.tidal_base_url,
        timeout=settings.http_timeout,
        limiter=limiter,
        remaining=remaining,
        observer=observer,
    )
    session.request_session.mount("https://", adapter)
    session.request_session.mount("http://", adapter)
    return session


def restore_login(session: tidalapi.Session, login: StoredLogin) -> None:
    """Log ``session`` in with a stored login (tidalapi refreshes an expired token by itself)."""
    session.load_oauth_session(
        login.token_type,
        login.access_token,
        login.refresh_token,
        login.expiry(),
        login.is_pkce,
    )


def login_from_session(session: tidalapi.Session, refresh_token: str | None = None) -> StoredLogin:
    """What to persist from a logged-in session (``refresh_token`` overrides a rotated one)."""
    expiry = session.expiry_time
    user = getattr(session, "user", None)
    return StoredLogin(  # tidalapi types the tokens Optional; a logged-in session has them
        token_type=cast(str, session.token_type),
        access_token=cast(str, session.access_token),
        refresh_token=refresh_token or session.refresh_token,
        expiry_time=expiry.isoformat() if isinstance(expiry, datetime) else None,
        is_pkce=bool(session.is_pkce),
        user_id=int(user.id) if user else None,
    )
