"""The login's durable home: the desktop keyring, or an encrypted keyring file on headless hosts.

Which one (``TIDAL_MCP_KEYRING``, default ``auto``):

* ``system``: keyring's default backend (Secret Service, macOS Keychain, Windows Credential Locker);
* ``file``: keyrings.cryptfile's encrypted file - ``TIDAL_MCP_KEYRING_FILE`` (default
  ``<data dir>/keyring.cfg``) with ``TIDAL_MCP_KEYRING_PASSWORD`` (default: a password generated
  into ``<data dir>/secrets/keyring.password``, 0600);
* ``auto``: the desktop keyring when one works here, else the file. On a server, a container or
  WSL keyring's fallbacks would prompt for a password on the terminal (which a worker can never
  answer) or store in clear; the file needs no prompt and every process of the stack reads it.

Setting ``TIDAL_MCP_KEYRING_FILE`` implies ``file``. No path here ever prompts.

keyrings.cryptfile rewrites its file in place (``open(path, "w")``): a crash, a full disk or a job
timeout half-way through leaves a truncated file, and with rotating refresh tokens that loses the
login for good. :class:`AtomicCryptFileKeyring` writes a temporary file beside it, fsyncs it, keeps
the previous file as ``<file>.bak`` and swaps the new one in with ``os.replace``; an ``OSError``
becomes a :class:`KeyringError` saying what failed, and the old file stays whole.

Each access to the encrypted file costs an Argon2 key derivation (0.3-3 s), so workers read it once
at start; live tokens travel through Redis (:mod:`shared.tokens`).

Example::

    store = KeyringStore(keyring_backend(settings))
    store.write("{...}")
    store.read()   # "{...}" | None
"""

from __future__ import annotations

import configparser
import contextlib
import os
import tempfile
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
from keyrings.cryptfile.cryptfile import CryptFileKeyring
from keyrings.cryptfile.escape import escape as escape_for_ini

from shared.datadir import KEYRING_PASSWORD, secret
from shared.settings import Settings

SERVICE = "tidal-mcp"
ACCOUNT = "tidal-login"
HEADLESS_HINT = "set TIDAL_MCP_KEYRING_FILE and TIDAL_MCP_KEYRING_PASSWORD (docs/configuration.md)"


class KeyringError(RuntimeError):
    """The keyring could not be used; the message says how to fix it and never holds the secret."""


class AtomicCryptFileKeyring(CryptFileKeyring):
    """keyrings.cryptfile's encrypted file, written atomically with the previous copy kept."""

    def _write_config_value(self, service: str, key: str, value: str) -> None:
        config = self._read_config()
        section, option = escape_for_ini(service), escape_for_ini(key)
        if not config.has_section(section):
            config.add_section(section)
        config.set(section, option, value)
        self._replace(config)

    def delete_password(self, service: str, username: str) -> None:
        config = self._read_config()
        try:
            removed = config.remove_option(escape_for_ini(service), escape_for_ini(username))
        except configparser.NoSectionError:
            removed = False
        if not removed:
            raise keyring.errors.PasswordDeleteError("Password not found")
        self._replace(config)

    def _read_config(self) -> configparser.RawConfigParser:
        config = configparser.RawConfigParser()
        if os.path.exists(self.file_path):
            config.read(self.file_path)
        return config

    def _replace(self, config: configparser.RawConfigParser) -> None:
        path = Path(self.file_path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            try:
                with os.fdopen(fd, "w") as handle:
                    config.write(handle)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(tmp, 0o600)
                if path.exists():
                    backup = path.with_name(path.name + ".bak")
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(backup)
                    os.link(path, backup)
                os.replace(tmp, path)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
        except OSError as exc:
            raise KeyringError(
                f"cannot write the keyring file {path} ({exc.strerror or type(exc).__name__}); "
                "the previous copy is unchanged"
            ) from None


# keyring backends that store secrets in a desktop or OS vault without a terminal prompt
DESKTOP_BACKENDS = (
    "keyring.backends.SecretService",
    "keyring.backends.libsecret",
    "keyring.backends.kwallet",
    "keyring.backends.macOS",
    "keyring.backends.Windows",
)


def desktop_keyring_available() -> bool:
    """Whether keyring's default backend here is a real desktop/OS vault (not a prompting fallback)."""
    try:
        backend = keyring.get_keyring()
    except Exception:
        return False
    candidates = getattr(backend, "backends", [backend])
    return any(type(b).__module__.startswith(DESKTOP_BACKENDS) for b in candidates)


def uses_file(settings: Settings) -> bool:
    """Whether the login lives in the encrypted file (see module docstring)."""
    if settings.keyring_file is not None or settings.keyring == "file":
        return True
    return settings.keyring == "auto" and not desktop_keyring_available()


def keyring_file(settings: Settings) -> Path:
    return settings.keyring_file or settings.data_dir / "keyring.cfg"


def keyring_backend(settings: Settings) -> keyring.backend.KeyringBackend:
    """The keyring to use (see module docstring)."""
    if not uses_file(settings):
        return keyring.get_keyring()
    path = keyring_file(settings)
    password = settings.keyring_password or secret(settings.data_dir, KEYRING_PASSWORD, create=True)
    backend = AtomicCryptFileKeyring()
    backend.file_path = str(path)
    try:
        backend.keyring_key = password  # unlocks (and checks) an existing file; never prompts
    except ValueError:  # "MAC check failed"
        hint = (
            "TIDAL_MCP_KEYRING_PASSWORD"
            if settings.keyring_password
            else f"the password in {settings.data_dir / 'secrets' / KEYRING_PASSWORD}"
        )
        raise KeyringError(f"cannot decrypt the keyring file {path}: check {hint}") from None
    return backend


class KeyringStore:
    """Read, write and delete the one stored login blob (JSON text)."""

    def __init__(self, backend: keyring.backend.KeyringBackend) -> None:
        self.backend = backend

    def read(self) -> str | None:
        try:
            return self.backend.get_password(SERVICE, ACCOUNT) or None
        except ValueError as exc:  # cryptfile: wrong password -> "MAC check failed"
            raise KeyringError("cannot decrypt the keyring file: check TIDAL_MCP_KEYRING_PASSWORD") from exc
        except (keyring.errors.KeyringError, EOFError) as exc:  # EOFError: the backend wanted a prompt
            raise KeyringError(f"the keyring is not usable here ({type(exc).__name__}); {HEADLESS_HINT}") from exc

    def write(self, text: str) -> None:
        try:
            self.backend.set_password(SERVICE, ACCOUNT, text)
        except (keyring.errors.KeyringError, EOFError) as exc:
            raise KeyringError(
                f"cannot store the login in the keyring ({type(exc).__name__}); {HEADLESS_HINT}"
            ) from exc
        except OSError as exc:
            raise KeyringError(
                f"cannot store the login in the keyring ({exc.strerror or type(exc).__name__})"
            ) from None

    def delete(self) -> bool:
        try:
            self.backend.delete_password(SERVICE, ACCOUNT)
        except keyring.errors.PasswordDeleteError:
            return False
        except (keyring.errors.KeyringError, EOFError) as exc:
            raise KeyringError(
                f"cannot remove the login from the keyring ({type(exc).__name__}); {HEADLESS_HINT}"
            ) from exc
        return True
