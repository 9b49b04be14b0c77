"""The TIDAL login: durable in the keyring, live in Redis (encrypted), changed under one lock.

Two copies, each for what it is good at:

* the **keyring** (:mod:`shared.keyring_store`) is the durable copy. Reading the encrypted keyring
  file costs an Argon2 derivation (seconds under load), so workers read it once at start;
* the **live record** ``tidal:auth:live`` in Redis carries the current tokens between processes:
  a worker that refreshes an expired token writes it there, every other worker adopts it in
  microseconds. It is encrypted (Fernet) with ``share_key``, a random key kept only in the keyring
  beside the login, so Redis - and its persistence files - never hold a usable token.

``tidal:auth:generation`` counts logins and logouts: a worker that sees it change drops its session
and loads the new login (live record first, keyring if the record is gone). Refreshes take
``tidal:lock:token-refresh``; the refreshing worker then writes the keyring in the background under
``tidal:lock:keyring``, and only if the generation did not change meanwhile. Login and logout take
both locks, so a logout made while a job runs stays final.

Example::

    store = TokenStore.from_settings(settings, redis_client)
    store.save(login)          # keyring + live record + generation (what `tidal-mcp login` does)
    store.load()               # the keyring copy: StoredLogin | None
    store.delete()             # logout
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime

import redis
from cryptography.fernet import Fernet, InvalidToken

from shared.keyring_store import KeyringError, KeyringStore, keyring_backend
from shared.redis_conn import UNAVAILABLE_ERRORS
from shared.settings import Settings

log = logging.getLogger(__name__)

GENERATION_KEY = "tidal:auth:generation"
LIVE_KEY = "tidal:auth:live"
REFRESH_LOCK = "tidal:lock:token-refresh"  # refreshing or adopting tokens (fast)
KEYRING_LOCK = "tidal:lock:keyring"  # writing the keyring (slow: never held while refreshing)
LOCK_TIMEOUT = 60

TokenStoreError = KeyringError  # the name callers catch


@dataclass(frozen=True)
class StoredLogin:
    """What a worker needs to rebuild a tidalapi session (see tidalapi.md §b "what to persist")."""

    token_type: str
    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expiry_time: str | None = None  # naive UTC ISO-8601, as tidalapi keeps it
    is_pkce: bool = False
    user_id: int | None = None
    # Encrypts the live record in Redis; generated at the first save, kept across refreshes.
    share_key: str | None = field(default=None, repr=False)
    # Bumped by every refresh, so the newest of two copies can be told apart.
    version: int = 0

    def expiry(self) -> datetime | None:
        return datetime.fromisoformat(self.expiry_time) if self.expiry_time else None

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> StoredLogin | None:
        try:
            data = json.loads(text)
            known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
            return cls(**known)
        except (ValueError, TypeError, KeyError):
            return None


@dataclass(frozen=True)
class LiveRecord:
    """The live record: the current login and the generation it belongs to."""

    login: StoredLogin
    generation: int


def _fernet(share_key: str) -> Fernet:
    return Fernet(share_key.encode())


def new_share_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


class TokenStore:
    """Load, save and delete the one TIDAL login (see module docstring)."""

    def __init__(
        self, keyring: KeyringStore | None, redis_client: redis.Redis | None = None, *, settings: Settings | None = None
    ) -> None:
        self._keyring = keyring
        self._settings = settings
        self.redis = redis_client

    @classmethod
    def from_settings(cls, settings: Settings, redis_client: redis.Redis | None = None) -> TokenStore:
        """A store on the configured keyring, opened at first use (errors surface there)."""
        return cls(None, redis_client, settings=settings)

    @property
    def keyring(self) -> KeyringStore:
        if self._keyring is None:
            assert self._settings is not None
            self._keyring = KeyringStore(keyring_backend(self._settings))
        return self._keyring

    # -- the durable copy ------------------------------------------------------------------------

    def load(self) -> StoredLogin | None:
        """The keyring copy (slow with an encrypted file: call it at start, not per job)."""
        raw = self.keyring.read()
        if raw is None:
            return None
        login = StoredLogin.from_json(raw)
        if login is None:
            log.warning("the stored TIDAL login is unreadable; log in again")
        return login

    def save(self, login: StoredLogin) -> StoredLogin:
        """A new login (``tidal-mcp login``): keyring, live record, generation bump. Returns what was kept."""
        login = login if login.share_key else replace(login, share_key=new_share_key())
        with self.lock(REFRESH_LOCK), self.lock(KEYRING_LOCK):
            self.keyring.write(login.to_json())
            generation = self._bump_generation()
            if generation is not None:
                self.write_live(login, generation)
        return login

    def delete(self) -> bool:
        """Logout: the keyring copy and the live record go, and every worker drops its session."""
        with self.lock(REFRESH_LOCK), self.lock(KEYRING_LOCK):
            removed = self.keyring.delete()
            if self.redis is not None:
                self._redis_call(lambda r: r.delete(LIVE_KEY))
            self._bump_generation()
        return removed

    def persist_refresh(self, login: StoredLogin, generation: int) -> bool:
        """Write a refreshed login to the keyring unless a logout/login or a newer refresh came first."""
        with self.lock(KEYRING_LOCK):
            if self.generation() != generation:
                return False
            live = self.read_live(login.share_key)
            if live is not None and live.login.version > login.version:
                return False
            self.keyring.write(login.to_json())
            return True

    # -- the live record and the generation ------------------------------------------------------

    def generation(self) -> int:
        """The login generation in Redis (0 when unknown); cheap enough to check per job."""
        if self.redis is None:
            return 0
        return int(self.redis.get(GENERATION_KEY) or 0)

    def read_live(self, share_key: str | None) -> LiveRecord | None:
        """The live record, or None when absent or not readable with ``share_key``."""
        if self.redis is None or not share_key:
            return None
        raw = self.redis.get(LIVE_KEY)
        if raw is None:
            return None
        try:
            body = json.loads(_fernet(share_key).decrypt(raw))
        except (InvalidToken, ValueError):
            return None
        login = StoredLogin.from_json(json.dumps(body.get("login", {})))
        return LiveRecord(login, int(body.get("generation", -1))) if login else None

    def write_live(self, login: StoredLogin, generation: int) -> None:
        if self.redis is None or not login.share_key:
            return
        body = json.dumps({"login": asdict(login), "generation": generation}).encode()
        self.redis.set(LIVE_KEY, _fernet(login.share_key).encrypt(body))

    @contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """A pool-wide login lock (a no-op without Redis: nothing else can be changing the login)."""
        if self.redis is None:
            yield
            return
        try:
            handle = self.redis.lock(name, timeout=LOCK_TIMEOUT, blocking_timeout=LOCK_TIMEOUT)
            acquired = handle.acquire()
        except UNAVAILABLE_ERRORS:
            log.warning("Redis unreachable: changing the login without the pool-wide lock")
            yield
            return
        if not acquired:
            raise KeyringError("another process holds the login lock; retry in a minute")
        try:
            yield
        finally:
            try:
                handle.release()
            except UNAVAILABLE_ERRORS + (redis.RedisError,):
                pass

    def _bump_generation(self) -> int | None:
        return self._redis_call(lambda r: int(r.incr(GENERATION_KEY)))

    def _redis_call(self, fn):  # type: ignore[no-untyped-def]
        if self.redis is None:
            return None
        try:
            return fn(self.redis)
        except UNAVAILABLE_ERRORS:
            log.warning(
                "could not tell the workers about the login change (Redis unreachable); "
                "they will pick it up when they restart"
            )
            return None
