"""Starting, watching and stopping the real processes the integration and e2e tests run.

No sleeps as synchronisation: everything waits with :func:`wait_until`, which polls a condition
until a deadline and fails with a message (and the process logs) when it never holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
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


def wait_until(
    condition: Callable[[], T], timeout: float, message: str | Callable[[], str], interval: float = 0.05
) -> T:
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
        except _Exited:
            raise
        except Exception as exc:  # the condition may fail until the thing it polls is up
            last_error = exc
        time.sleep(interval)
    text = message() if callable(message) else message
    raise AssertionError(f"{text} (waited {timeout:g} s; last error: {last_error!r})")


async def eventually(condition: Callable[[], Awaitable[T]], timeout: float, message: str, interval: float = 0.2) -> T:
    """:func:`wait_until` for an async condition (e.g. polling a job over MCP as a client would)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = await condition()
        if value:
            return value
        await asyncio.sleep(interval)
    raise AssertionError(f"{message} (waited {timeout:g} s)")


def http_ok(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


class Proc:
    """A child process in its own process group, with stdout/stderr in files under ``log_dir``."""

    def __init__(
        self, name: str, command: list[str], env: Mapping[str, str], log_dir: Path, cwd: Path = REPO_ROOT
    ) -> None:
        self.name = name
        log_dir.mkdir(parents=True, exist_ok=True)
        self.stdout_path = log_dir / f"{name}.out"
        self.stderr_path = log_dir / f"{name}.err"
        self._out = self.stdout_path.open("wb")
        self._err = self.stderr_path.open("wb")
        self.popen = subprocess.Popen(
            command,
            env=dict(env),
            cwd=cwd,
            stdout=self._out,
            stderr=self._err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

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

    def problems(self, limit: int = 60) -> str:
        """Why a process failed: its error lines and tracebacks (from the start), then its last lines.

        A stack that failed to start usually says why in its first error, long before the last
        4,000 characters of output.
        """
        picked: list[str] = []
        lines = [
            line
            for path in (self.stdout_path, self.stderr_path)
            if path.exists()
            for line in path.read_text(errors="replace").splitlines()
        ]
        in_traceback = False
        for line in lines:
            if line.startswith("Traceback") or '"Traceback' in line:
                in_traceback = True
            markers = ("ERROR", "CRITICAL", "Error:", "error:", "exited", "FATAL", "refused", "in use")
            if in_traceback or any(marker in line for marker in markers):
                picked.append(line)
            if in_traceback and line and not line.startswith((" ", "Traceback", "During", "The above")):
                in_traceback = False
            if len(picked) >= limit:
                break
        tail = "\n".join(lines[-15:])
        return (
            f"--- {self.name}: errors\n" + "\n".join(picked) if picked else f"--- {self.name}: no error lines"
        ) + f"\n--- {self.name}: last lines\n{tail}"

    def kill(self) -> None:
        """SIGKILL the process (a crash: no cleanup of any kind) and reap it."""
        with _ignore_missing():
            os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(10)

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


def start_listening(
    name: str,
    command: list[str],
    env: dict[str, str],
    log_dir: Path,
    ready: Callable[[], bool],
    port_vars: tuple[str, ...],
    timeout: float = 90,
    attempts: int = 3,
) -> Proc:
    """Start a process that binds the ports named in ``env[port_vars]`` and wait until ``ready()``.

    Ports are picked free beforehand; if another process binds one in between (the process exits
    saying "address already in use"), fresh ports are picked - ``env`` is updated in place - and it
    starts again. Any other early exit fails with the process's own error lines.
    """
    for attempt in range(attempts):
        proc = Proc(name if attempt == 0 else f"{name}-{attempt}", command, env, log_dir)

        def up(proc: Proc = proc) -> bool:
            if not proc.alive():
                raise _Exited(proc)
            return ready()

        try:
            wait_until(up, timeout, lambda proc=proc: f"{name} did not become ready\n" + proc.problems(), interval=0.1)
            return proc
        except _Exited as exited:
            problems = exited.proc.problems()
            exited.proc.stop()
            if "address already in use" not in problems.lower() or attempt == attempts - 1:
                raise AssertionError(f"{name} exited:\n{problems}") from None
            for var in port_vars:
                env[var] = _with_new_port(env[var])
    raise AssertionError("unreachable")  # pragma: no cover


class _Exited(Exception):
    def __init__(self, proc: Proc) -> None:
        super().__init__(proc.name)
        self.proc = proc


def _with_new_port(value: str) -> str:
    """A port variable (``8123``) or a URL with a port (``redis://127.0.0.1:8123/0``) on a new free port."""
    if value.isdigit():
        return str(free_port())
    head, _, rest = value.rpartition(":")
    port, slash, tail = rest.partition("/")
    return f"{head}:{free_port()}{slash}{tail}"


def tidal_mcp(*args: str) -> list[str]:
    """The installed ``tidal-mcp`` command line."""
    return [str(BIN / "tidal-mcp"), *args]
