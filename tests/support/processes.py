"""Starting, watching and stopping the real processes the integration and e2e tests run.

No sleeps as synchronisation: everything waits with :func:`wait_until`, which polls a condition
until a deadline and fails with a message (and the process logs) when it never holds.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

import requests

T = TypeVar("T")

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], T], timeout: float, message: str | Callable[[], str],
               interval: float = 0.05) -> T:
    """Poll ``condition`` until it returns a truthy value (returned) or ``timeout`` passes.

    ``message`` may be a callable, evaluated only on failure (e.g. to include process logs).
    """
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception as exc:  # the condition may fail until the thing it polls is up
            last_error = exc
        time.sleep(interval)
    text = message() if callable(message) else message
    raise AssertionError(f"{text} (waited {timeout:g} s; last error: {last_error!r})")


def http_ok(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


class Proc:
    """A child process in its own process group, with stdout/stderr in files under ``log_dir``."""

    def __init__(self, name: str, command: list[str], env: Mapping[str, str], log_dir: Path,
                 cwd: Path = REPO_ROOT) -> None:
        self.name = name
        log_dir.mkdir(parents=True, exist_ok=True)
        self.stdout_path = log_dir / f"{name}.out"
        self.stderr_path = log_dir / f"{name}.err"
        self._out = self.stdout_path.open("wb")
        self._err = self.stderr_path.open("wb")
        self.popen = subprocess.Popen(command, env=dict(env), cwd=cwd, stdout=self._out, stderr=self._err,
                                      stdin=subprocess.DEVNULL, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def logs(self, tail: int | None = 4000) -> str:
        text = ""
        for path in (self.stdout_path, self.stderr_path):
            if path.exists():
                body = path.read_text(errors="replace")
                text += f"--- {path.name}\n" + (body[-tail:] if tail else body)
        return text

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM the process group, wait, then SIGKILL what is left. Returns the exit code."""
        if self.alive():
            with _ignore_missing():
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                with _ignore_missing():
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(10)
        with _ignore_missing():
            os.killpg(self.popen.pid, signal.SIGKILL)  # stragglers in the group
        self._out.close()
        self._err.close()
        return self.popen.returncode


def _ignore_missing() -> contextlib.AbstractContextManager[None]:
    """For signals to a process group that may already be gone."""
    return contextlib.suppress(ProcessLookupError, PermissionError)


def tidal_mcp(*args: str) -> list[str]:
    """The installed ``tidal-mcp`` command line."""
    return [str(BIN / "tidal-mcp"), *args]
