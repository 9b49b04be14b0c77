"""The worker's one long-lived tidalapi session, and the pool-wide token refresh.

:class:`SessionHolder` builds the session once and keeps it across jobs. At each job it compares the
login generation in Redis (one GET) with the one it loaded: after a ``tidal-mcp login``/``logout``
it picks the change up without a restart, from the encrypted live record in Redis when it can and
from the keyring otherwise (:mod:`shared.tokens`). A job timeout may interrupt tidalapi
mid-request, so the runtime calls :meth:`SessionHolder.invalidate` and the next job starts afresh.

Token refresh: tidalapi refreshes an expired access token by itself, with no lock, and drops a
rotated refresh token. :meth:`SessionHolder._refresh` replaces ``session.token_refresh`` so that
across the whole pool one worker refreshes (under a Redis lock), publishes the new tokens in the
live record, and writes the keyring in the background; the others adopt the live record without
touching the keyring. Nothing of this blocks a job for longer than one refresh request.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import redis
import requests
import tidalapi
from tidalapi.exceptions import AuthenticationError, TooManyRequests

from shared import metrics
from shared.errors import NOT_LOGGED_IN_MESSAGE, NotLoggedIn, RateLimited, UpstreamUnavailable
from shared.ratelimit import PoolRateLimiter
from shared.settings import Settings
from shared.tidal import Observer, Remaining, login_from_session, new_session, restore_login
from shared.tokens import REFRESH_LOCK, StoredLogin, TokenStore, TokenStoreError
from workers.tidal_types import parsed_id

log = logging.getLogger(__name__)

REJECTED_MESSAGE = (
    "TIDAL rejected the stored login (it was revoked or expired). Run `tidal-mcp login` on the "
    "server host again, then retry."
)
LOGIN_CHANGED_MESSAGE = "The TIDAL login changed while this request ran (a login or logout); retry."


class SessionHolder:
    """Owns this process's tidalapi session (see module docstring)."""

    def __init__(
        self,
        settings: Settings,
        redis_client: redis.Redis,
        tokens: TokenStore,
        limiter: PoolRateLimiter | None = None,
        remaining: Remaining | None = None,
        observer: Observer | None = None,
        on_login: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.on_login = on_login or (lambda _state: None)
        self.redis = redis_client
        self.tokens = tokens
        self.limiter = limiter
        self.remaining = remaining
        self.observer = observer
        self._session: tidalapi.Session | None = None
        self._generation: int | None = None
        self._login: StoredLogin | None = None
        self._keyring_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keyring-writer")

    def get(self, generation: int | None = None) -> tidalapi.Session:
        """The logged-in session; raises :class:`NotLoggedIn` when there is no usable login.

        ``generation``: the login generation (``tidal:auth:generation``) when the caller already read it.
        """
        if generation is None:
            generation = self.tokens.generation()
        if generation != self._generation:
            self._reload(generation)
        if self._session is None:
            raise NotLoggedIn(NOT_LOGGED_IN_MESSAGE)
        return self._session

    def warm_up(self) -> None:
        """Build the session at worker start if possible; never fail (jobs report what is wrong)."""
        try:
            self.get()
        except Exception as exc:
            reason = getattr(exc, "message", None) or type(exc).__name__
            log.warning("worker started without a TIDAL session", extra={"reason": reason})

    def invalidate(self) -> None:
        """Drop the session; the next :meth:`get` rebuilds it from the stored login."""
        self._session = None
        self._generation = None

    def _reload(self, generation: int) -> None:
        try:
            stored = self._stored_login(generation)
        except NotLoggedIn:
            self.on_login("unreadable")
            raise
        if stored is None:
            self._session, self._generation, self._login = None, generation, None
            self.on_login("missing")
            return
        current = self._session
        if (
            current is not None
            and stored.user_id is not None
            and current.user is not None
            and int(parsed_id(current.user.id)) == stored.user_id
        ):
            _adopt(current, stored)  # same account, new tokens: no HTTP needed
            self._generation, self._login = generation, stored
            return
        session = new_session(self.settings, limiter=self.limiter, remaining=self.remaining, observer=self.observer)
        session.token_refresh = lambda refresh_token: self._refresh(session, refresh_token)  # type: ignore[method-assign]  # tidalapi's refresh hook
        self._login = stored  # the refresh hook needs it while restore_login runs
        self._generation = generation
        try:
            restore_login(session, stored)
        except (AuthenticationError, requests.HTTPError) as exc:
            self._session, self._generation = None, None
            status = getattr(getattr(exc, "response", None), "status_code", None)
            if isinstance(exc, AuthenticationError) or status in (400, 401, 403):
                log.warning("stored TIDAL login rejected", extra={"status": status})
                self._generation = generation
                self.on_login("rejected")
                raise NotLoggedIn(REJECTED_MESSAGE) from None
            raise UpstreamUnavailable(f"TIDAL answered {status} while restoring the login; retry shortly.") from None
        except TooManyRequests as exc:
            self._session, self._generation = None, None
            wait = exc.retry_after if exc.retry_after and exc.retry_after > 0 else 5
            raise RateLimited(f"TIDAL is rate-limiting this account; retry in about {wait} s.") from None
        except (requests.ConnectionError, requests.Timeout, ValueError, KeyError):
            self._session, self._generation = None, None
            raise UpstreamUnavailable(
                "TIDAL did not answer properly while restoring the login; retry shortly."
            ) from None
        self._session = session
        self.on_login("ok")
        log.info("tidal session ready", extra={"user_id": stored.user_id, "country": session.country_code})

    def _stored_login(self, generation: int) -> StoredLogin | None:
        """The login of ``generation``: the live record when readable, else the keyring (slow)."""
        share_key = self._login.share_key if self._login else None
        live = self.tokens.read_live(share_key)
        if live is not None and live.generation == generation:
            return live.login
        try:
            stored = self.tokens.load()
        except TokenStoreError as exc:
            raise NotLoggedIn(f"The stored TIDAL login cannot be read: {exc}.") from None
        if stored is None:
            return None
        live = self.tokens.read_live(stored.share_key)
        if live is not None and live.generation == generation and live.login.version >= stored.version:
            return live.login
        return stored

    def _refresh(self, session: tidalapi.Session, refresh_token: str) -> bool:
        """One refresh per expiry across the pool: lock, adopt the live record, or refresh."""
        generation, login = self._generation, self._login
        if login is None or generation is None:
            raise NotLoggedIn(NOT_LOGGED_IN_MESSAGE)
        with self.tokens.lock(REFRESH_LOCK):
            if self.tokens.generation() != generation:
                self.invalidate()
                raise NotLoggedIn(LOGIN_CHANGED_MESSAGE)
            live = self.tokens.read_live(login.share_key)
            if (
                live is not None
                and live.generation == generation
                and live.login.access_token != session.access_token
                and not _expired(live.login)
            ):
                _adopt(session, live.login)
                self._login = live.login
                metrics.LOGIN_REFRESHES.labels(outcome="adopted").inc()
                log.info("adopted a token refreshed by another worker")
                return True
            try:
                rotated = _post_refresh(session, refresh_token)
            except AuthenticationError:
                metrics.LOGIN_REFRESHES.labels(outcome="rejected").inc()
                self.on_login("rejected")
                raise
            except Exception:
                metrics.LOGIN_REFRESHES.labels(outcome="failed").inc()
                raise
            latest = live.login.version if live is not None else login.version
            refreshed = replace(login_from_session(session), share_key=login.share_key, version=latest + 1)
            self.tokens.write_live(refreshed, generation)
            self._login = refreshed
            metrics.LOGIN_REFRESHES.labels(outcome="refreshed").inc()
            log.info("refreshed the TIDAL access token", extra={"rotated": rotated is not None})
        self._keyring_writer.submit(self._persist, refreshed, generation)
        return True

    def _persist(self, login: StoredLogin, generation: int) -> None:
        try:
            if self.tokens.persist_refresh(login, generation):
                log.info("saved the refreshed login to the keyring")
        except Exception as exc:
            metrics.LOGIN_REFRESHES.labels(outcome="keyring_save_failed").inc()
            log.error(
                "could not save the refreshed login to the keyring; the pool keeps it in Redis",
                extra={"error": str(exc)},
            )


def _expired(login: StoredLogin) -> bool:
    expiry = login.expiry()
    return expiry is not None and expiry <= dt.datetime.utcnow()


def _adopt(session: tidalapi.Session, stored: StoredLogin) -> None:
    session.token_type = stored.token_type
    session.access_token = stored.access_token
    session.refresh_token = stored.refresh_token
    session.expiry_time = stored.expiry()


def _post_refresh(session: tidalapi.Session, refresh_token: str) -> str | None:
    """tidalapi's ``token_refresh``, keeping a rotated refresh token it would drop.

    Returns the new refresh token when TIDAL sent one. Raises tidalapi's ``AuthenticationError``
    when TIDAL refuses, as tidalapi does, and ``requests.HTTPError`` when its auth server answers 5xx.
    """
    config = session.config
    response = session.request_session.post(
        config.api_oauth2_token,
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": config.client_id_pkce if session.is_pkce else config.client_id,
            "client_secret": config.client_secret_pkce if session.is_pkce else config.client_secret,  # type: ignore[has-type]  # set in tidalapi's __init__, unannotated
        },
    )
    if response.status_code >= 500:  # TIDAL's auth server failing is no verdict on the refresh token
        response.raise_for_status()
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
