"""The real stack for end-to-end tests: `tidal-mcp run` (honcho) or `tidal-mcp supervise`.

Each test module gets its own emulator and its own stack on free ports. The stack brings up its
own bundled Redis (nothing answers at its REDIS_URL before it starts), and the login is made with
the real `tidal-mcp login` command against the emulator's auto-approving device flow.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests

from shared.redis_conn import connect, ping
from shared.settings import Settings
from tests.fake_tidal import EmulatorOptions, FakeTidal
from tests.fake_tidal.client import Control
from tests.support.processes import Proc, free_port, start_listening, tidal_mcp

KEYRING_PASSWORD = "e2e-keyring-password"


@dataclass
class Stack:
    """A running stack and how to reach it."""

    env: dict[str, str]
    proc: Proc
    emulator: FakeTidal
    control: Control

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.env['TIDAL_MCP_PORT']}"

    @property
    def mcp_url(self) -> str:
        return f"{self.base}/mcp"

    def redis(self) -> redis.Redis:
        """A client of the stack's own (password-protected) Redis, as its processes connect."""
        return connect(Settings.from_env(self.env).redis_url)

    def health(self) -> dict:
        return requests.get(f"{self.base}/health", timeout=5).json()


@pytest.fixture(scope="module")
def e2e_emulator() -> Iterator[FakeTidal]:
    with FakeTidal(EmulatorOptions(seed=42, auto_approve=True, device_interval=0.05)) as emu:
        yield emu


def stack_environment(tmp: Path, emulator: FakeTidal, workers: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TIDAL_", "PROMETHEUS_", "REDIS_"))}
    env.update(
        REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
        TIDAL_BASE_URL=emulator.url,
        TIDAL_MCP_KEYRING_FILE=str(tmp / "keyring.cfg"),
        TIDAL_MCP_KEYRING_PASSWORD=KEYRING_PASSWORD,
        TIDAL_MCP_DATA_DIR=str(tmp / "run"),
        TIDAL_MCP_PORT=str(free_port()),
        TIDAL_MCP_DASHBOARD_PORT=str(free_port()),
        TIDAL_MCP_WORKERS=str(workers),
        TIDAL_MCP_WAIT_TIMEOUT="20",
        PYTHONUNBUFFERED="1",
    )
    return env


def login(env: dict[str, str], log_dir: Path) -> str:
    """Run the real `tidal-mcp login`; return what it printed."""
    proc = Proc("login", tidal_mcp("login"), env, log_dir)
    code = proc.popen.wait(60)
    output = proc.stdout_path.read_text()
    proc.stop()
    assert code == 0, proc.problems()
    return output


def start_stack(command: list[str], env: dict[str, str], emulator: FakeTidal, log_dir: Path, workers: int) -> Stack:
    stack = Stack(env, None, emulator, Control(emulator.url))  # type: ignore[arg-type]

    def healthy() -> bool:
        try:
            return stack.health().get("workers") == workers
        except (requests.RequestException, ValueError):
            return False

    stack.proc = start_listening(
        "stack", command, env, log_dir, healthy, ("TIDAL_MCP_PORT", "TIDAL_MCP_DASHBOARD_PORT", "REDIS_URL")
    )
    return stack


def stop_stack(stack: Stack) -> None:
    redis_client = stack.redis()
    code = stack.proc.stop(timeout=60)
    assert code is not None
    # the bundled Redis the stack started is stopped with it
    assert not ping(redis_client), "the bundled redis-server outlived the stack"
