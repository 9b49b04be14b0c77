"""The worker's one long-lived tidalapi session, and the pool-wide token refresh.

:class:`SessionHolder` builds the session once from the stored login and keeps it across jobs. At
each job it compares the login generation in Redis (one GET) with the one it loaded: after a
``tidal-mcp login``/``logout``, or a token refresh by another worker, it picks the change up
without a restart. A job timeout may interrupt tidalapi mid-request, so the runtime calls
:meth:`SessionHolder.invalidate` and the next job starts from a fresh session.

Token refresh: tidalapi refreshes an expired access token by itself, with no lock, and drops a
rotated refresh token. :meth:`SessionHolder._refresh` replaces ``session.token_refresh`` so that
across the whole pool one worker refreshes (under a Redis lock) and persists the new tokens, and
the others adopt them.
"""

from __future__ import annotations

import datetime as dt
import logging

import redis
import requests
import tidalapi
from tidalapi.exceptions import AuthenticationError

from shared.errors import NOT_LOGGED_IN_MESSAGE, NotLoggedIn, UpstreamUnavailable
from shared.ratelimit import PoolRateLimiter
from shared.settings import Settings
from shared.tidal import Observer, login_from_session, new_session, restore_login
from shared.tokens import StoredLogin, TokenStore, TokenStoreError

log = logging.getLogger(__name__)

REFRESH_LOCK = "tidal:lock:token-refresh"
REJECTED_MESSAGE = (
    "TIDAL rejected the stored login (it was revoked or expired). Run `tidal-mcp login` on the "
    "server host again, then retry."
)


class SessionHolder:
    """Owns this process's tidalapi session (see module docstring)."""

    def __init__(
        self,
        settings: Settings,
        redis_client: redis.Redis,
        tokens: TokenStore,
        limiter: PoolRateLimiter | None = None,
        observer: Observer | None = None,
    ) -> None:
        self.settings = settings
        self.redis = redis_client
        self.tokens = tokens
        self.limiter = limiter
        self.observer = observer
        self._session: tidalapi.Session | None = None
        self._generation: int | None = None

    def get(self) -> tidalapi.Session:
        """The logged-in session; raises :class:`NotLoggedIn` when there is no usable login."""
        generation = self.tokens.generation()
        if generation != self._generation:
            self._reload(generation)
        if self._session is None:
            raise NotLoggedIn(NOT_LOGGED_IN_MESSAGE)
        return self._session

    def invalidate(self) -> None:
        """Drop the session; the next :meth:`get` rebuilds it from the stored login."""
        self._session = None
        self._generation = None

    def _reload(self, generation: int) -> None:
        try:
            stored = self.tokens.load()
        except TokenStoreError as exc:
            raise NotLoggedIn(f"The stored TIDAL login cannot be read: {exc}.") from None
        if stored is None:
            self._session, self._generation = None, generation
            return
        current = self._session
        if current is not None and stored.user_id is not None and current.user is not None \
                and int(current.user.id) == stored.user_id:
            _adopt(current, stored)  # same account, new tokens (a refresh elsewhere): no HTTP needed
            self._generation = generation
            return
        session = new_session(self.settings, limiter=self.limiter, observer=self.observer)
        session.token_refresh = lambda refresh_token: self._refresh(session, refresh_token)
        try:
            restore_login(session, stored)
        except (AuthenticationError, requests.HTTPError) as exc:
            status = getattr(getattr(exc, "response", None), "status_code", None)
            if isinstance(exc, AuthenticationError) or status in (400, 401, 403):
                log.warning("stored TIDAL login rejected", extra={"status": status})
                self._session, self._generation = None, generation
                raise NotLoggedIn(REJECTED_MESSAGE) from None
            raise UpstreamUnavailable(f"TIDAL answered {status} while restoring the login; retry shortly.") \
                from None
        except (requests.ConnectionError, requests.Timeout):
            raise UpstreamUnavailable("TIDAL did not answer while restoring the login; retry shortly.") from None
        self._session, self._generation = session, generation
        log.info("tidal session ready", extra={"user_id": stored.user_id, "country": session.country_code})

    def _refresh(self, session: tidalapi.Session, refresh_token: str) -> bool:
        """One refresh per expiry across the pool: lock, adopt a newer stored token, or refresh."""
        with self.redis.lock(REFRESH_LOCK, timeout=60, blocking_timeout=60):
            stored = self.tokens.load()
            if stored is not None and stored.access_token != session.access_token:
                _adopt(session, stored)
                log.info("adopted a token refreshed by another worker")
                return True
            rotated = _post_refresh(session, refresh_token)
            new_login = login_from_session(session, refresh_token=rotated)
            self.tokens.save(new_login)
            # Our own save bumped the generation; remember it so we do not reload ourselves.
            self._generation = self.tokens.generation()
            log.info("refreshed the TIDAL access token", extra={"rotated": rotated is not None})
            return True


def _adopt(session: tidalapi.Session, stored: StoredLogin) -> None:
    session.token_type = stored.token_type
    session.access_token = stored.access_token
    session.refresh_token = stored.refresh_token
    session.expiry_time = stored.expiry()


def _post_refresh(session: tidalapi.Session, refresh_token: str) -> str | None:
    """tidalapi's ``token_refresh``, keeping a rotated refresh token it would drop.

    Returns the new refresh token when TIDAL sent one. Raises tidalapi's ``AuthenticationError``
    when TIDAL refuses, as tidalapi does.
    """
    config = session.config
    response = session.request_session.post(
        config.api_oauth2_token,
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": config.client_id_pkce if session.is_pkce else config.client_id,
            "client_secret": config.client_secret_pkce if session.is_pkce else config.client_secret,
        },
    )
    body = response.json()
    if response.status_code != 200:
        raise AuthenticationError(
            f"Authentication failed with error '{body.get('error')}: {body.get('error_description')}'"
        )
    session.access_token = body["access_token"]
    session.expiry_time = dt.datetime.utcnow() + dt.timedelta(seconds=body["expires_in"])
    session.token_type = body["token_type"]
    rotated = body.get("refresh_token")
    if rotated:
        session.refresh_token = rotated
    return rotated
