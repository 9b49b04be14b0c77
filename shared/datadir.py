"""The data directory (``TIDAL_MCP_DATA_DIR``): private to its owner, with the secrets the stack makes.

Everything the stack writes there - the bundled Redis's data, logs, metrics files, the supervisord
socket, generated secrets - is readable by its owner only: the directory is 0700 and every process
of the stack runs with umask 077 (:func:`private_umask`), so files are 0600 whatever the shell's
umask was.

Secrets the stack generates on first use live in ``<data dir>/secrets/<name>`` (0600): the bundled
Redis's password, rq-dashboard's password, and - on hosts without a desktop keyring - the password
of the encrypted keyring file.

Example::

    private_umask()
    password = secret(settings.data_dir, REDIS_PASSWORD, create=True)
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from urllib.parse import quote, urlsplit

REDIS_PASSWORD = "redis.password"
DASHBOARD_PASSWORD = "dashboard.password"
KEYRING_PASSWORD = "keyring.password"


def private_umask() -> None:
    """New files 0600, new directories 0700, for this process and everything it starts."""
    os.umask(0o077)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it 0700; returns it."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def secret(data_dir: Path, name: str, *, create: bool) -> str | None:
    """The secret ``name`` of this data dir; generated (and stored 0600) when missing and ``create``."""
    path = data_dir / "secrets" / name
    try:
        value = path.read_text().strip()
        if value:
            return value
    except FileNotFoundError:
        pass
    except OSError:
        return None
    if not create:
        return None
    private_dir(data_dir)
    private_dir(path.parent)
    value = secrets.token_urlsafe(32)
    tmp = path.with_name(f".{name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    try:
        os.link(tmp, path)  # first writer wins when two processes race to create it
    except FileExistsError:
        pass
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return path.read_text().strip()


def with_bundled_password(url: str, data_dir: Path) -> str:
    """A loopback ``redis://`` URL without a password gets the bundled Redis's, when the data dir has one."""
    parts = urlsplit(url)
    if parts.scheme != "redis" or parts.password or parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        return url
    password = secret(data_dir, REDIS_PASSWORD, create=False)
    if password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return parts._replace(netloc=f":{quote(password, safe='')}@{netloc}").geturl()
