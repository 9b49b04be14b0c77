"""The TIDAL login, kept in the system keyring (or an encrypted keyring file on headless hosts).

``TIDAL_MCP_KEYRING_FILE`` + ``TIDAL_MCP_KEYRING_PASSWORD`` select keyrings.cryptfile's encrypted
file without any prompt; unset, keyring's own default backend is used. Each change of the stored
login bumps a generation counter in Redis so every worker picks the new login up at its next job
without restarting.

Example::

    store = TokenStore.from_settings(settings)
    store.save(StoredLogin(token_type="Bearer", access_token="...", refresh_token="...", ...))
    store.load()        # StoredLogin | None
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime

import keyring
import keyring.backend
import keyring.errors
import redis

from shared.settings import Settings

log = logging.getLogger(__name__)

SERVICE = "tidal-mcp"
ACCOUNT = "tidal-login"
GENERATION_KEY = "tidal:auth:generation"


@dataclass(frozen=True)
class StoredLogin:
    """What a worker needs to rebuild a tidalapi session (see tidalapi.md §b "what to persist")."""

    token_type: str
    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expiry_time: str | None = None  # naive UTC ISO-8601, as tidalapi keeps it
    is_pkce: bool = False
    user_id: int | None = None

    def expiry(self) -> datetime | None:
        return datetime.fromisoformat(self.expiry_time) if self.expiry_time else None


class TokenStoreError(RuntimeError):
    """The keyring backend could not be used (message says how to fix it; never the secret)."""


def keyring_backend(settings: Settings) -> keyring.backend.KeyringBackend:
    """The keyring to use: the encrypted file when configured, otherwise keyring's default."""
    if settings.keyring_file is None:
        return keyring.get_keyring()
    from keyrings.cryptfile.cryptfile import CryptFileKeyring

    backend = CryptFileKeyring()
    backend.file_path = str(settings.keyring_file)
    try:
        backend.keyring_key = settings.keyring_password  # unlocks (and checks) an existing file
    except ValueError:  # "MAC check failed"
        raise TokenStoreError("cannot decrypt the keyring file: check TIDAL_MCP_KEYRING_PASSWORD") from None
    return backend


class TokenStore:
    """Load, save and delete the one stored TIDAL login."""

    def __init__(
        self,
        backend: keyring.backend.KeyringBackend | Callable[[], keyring.backend.KeyringBackend],
        redis_client: redis.Redis | None = None,
    ) -> None:
        self._backend = backend
        self.redis = redis_client

    @classmethod
    def from_settings(cls, settings: Settings, redis_client: redis.Redis | None = None) -> TokenStore:
        """A store on the configured keyring, opened at first use (errors surface there)."""
        return cls(lambda: keyring_backend(settings), redis_client)

    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        if not isinstance(self._backend, keyring.backend.KeyringBackend):
            self._backend = self._backend()
        return self._backend

    def load(self) -> StoredLogin | None:
        try:
            raw = self.backend.get_password(SERVICE, ACCOUNT)
        except ValueError as exc:  # cryptfile: wrong password -> "MAC check failed"
            raise TokenStoreError(
                "cannot decrypt the keyring file: check TIDAL_MCP_KEYRING_PASSWORD"
            ) from exc
        except (keyring.errors.KeyringError, EOFError) as exc:  # EOFError: the backend wanted a prompt
            raise TokenStoreError(f"the keyring is not usable here ({type(exc).__name__}); "
                                  "set TIDAL_MCP_KEYRING_FILE and TIDAL_MCP_KEYRING_PASSWORD") from exc
        if not raw:
            return None
        try:
            return StoredLogin(**json.loads(raw))
        except (ValueError, TypeError):
            log.warning("the stored TIDAL login is unreadable; log in again")
            return None

    def save(self, login: StoredLogin) -> None:
        try:
            self.backend.set_password(SERVICE, ACCOUNT, json.dumps(asdict(login)))
        except (keyring.errors.KeyringError, EOFError) as exc:
            raise TokenStoreError(f"cannot store the login in the keyring ({type(exc).__name__}); "
                                  "set TIDAL_MCP_KEYRING_FILE and TIDAL_MCP_KEYRING_PASSWORD") from exc
        self._bump_generation()

    def delete(self) -> bool:
        try:
            self.backend.delete_password(SERVICE, ACCOUNT)
        except keyring.errors.PasswordDeleteError:
            return False
        self._bump_generation()
        return True

    def generation(self) -> int:
        """The login generation in Redis (0 when unknown); cheap enough to check per job."""
        if self.redis is None:
            return 0
        return int(self.redis.get(GENERATION_KEY) or 0)

    def _bump_generation(self) -> None:
        if self.redis is None:
            return
        try:
            self.redis.incr(GENERATION_KEY)
        except redis.RedisError:
            log.warning("could not tell the workers about the new login (Redis unreachable); "
                        "they will pick it up when they restart")
