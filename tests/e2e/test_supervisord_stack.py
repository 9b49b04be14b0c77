"""End to end under supervisord (`tidal-mcp supervise`, the production stack).

Checks the supervisord contract: TIDAL_MCP_WORKERS worker programs, supervisorctl over the unix
socket, autorestart of a worker killed with SIGKILL while the front keeps answering, and a
graceful shutdown that takes the bundled Redis with it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator

import pytest
from mcp import Client

from shared.pool import live_worker_names
from tests.e2e.conftest import Stack, login, stack_environment, start_stack, stop_stack
from tests.support.processes import tidal_mcp, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.anyio]

WORKERS = 3


@pytest.fixture(scope="module")
def stack(tmp_path_factory, e2e_emulator) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("supervisord")
    env = stack_environment(tmp, e2e_emulator, workers=WORKERS)
    login(env, tmp / "logs")
    stack = start_stack(tidal_mcp("supervise"), env, e2e_emulator, tmp / "logs", workers=WORKERS)
    yield stack
    stop_stack(stack)


def supervisorctl(stack: Stack, *args: str) -> str:
    """As the README writes it: `tidal-mcp supervisorctl ...` (only TIDAL_MCP_DATA_DIR from the stack's env)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIDAL_", "REDIS_"))}
    env["TIDAL_MCP_DATA_DIR"] = stack.env["TIDAL_MCP_DATA_DIR"]
    result = subprocess.run(
        tidal_mcp("supervisorctl", *args), env=env, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL
    )
    return result.stdout


def program_states(stack: Stack) -> dict[str, tuple[str, int | None]]:
    """``{"tidal-mcp:worker_00": ("RUNNING", 1234), ...}`` from `supervisorctl status`."""
    states = {}
    for line in supervisorctl(stack, "status").splitlines():
        parts = line.split()
        pid = int(parts[3].rstrip(",")) if len(parts) > 3 and parts[2] == "pid" else None
        states[parts[0]] = (parts[1], pid)
    return states


def test_supervisorctl_shows_every_program_running(stack):
    states = program_states(stack)
    expected = {
        "tidal-mcp:redis",
        "tidal-mcp:front",
        "tidal-mcp:dashboard",
        *(f"tidal-mcp:worker_{i:02d}" for i in range(WORKERS)),
    }
    assert set(states) == expected
    assert {state for state, _ in states.values()} == {"RUNNING"}


async def test_a_killed_worker_is_restarted_while_the_front_keeps_answering(stack):
    control = stack.control
    catalog = control.get("catalog")
    victim = "tidal-mcp:worker_00"
    _, old_pid = program_states(stack)[victim]
    os.kill(old_pid, signal.SIGKILL)
    async with Client(stack.mcp_url) as client:
        for track_id in catalog["track_ids"][500:506]:
            result = await client.call_tool("tidal_get_track", {"track_id": track_id})
            assert not result.is_error, result.content
            assert result.structured_content["id"] == track_id

    def restarted() -> bool:
        state, pid = program_states(stack)[victim]
        return state == "RUNNING" and pid not in (None, old_pid)

    killed_at = time.monotonic()
    wait_until(restarted, 10, "supervisord did not restart the killed worker within 10 s", interval=0.1)
    _, new_pid = program_states(stack)[victim]
    redis_client = stack.redis()
    wait_until(
        lambda: any(name.endswith(f".{new_pid}") for name in live_worker_names(redis_client)),
        10 - (time.monotonic() - killed_at),
        "the restarted worker was not serving within 10 s",
        interval=0.1,
    )
    wait_until(
        lambda: not any(name.endswith(f".{old_pid}") for name in live_worker_names(redis_client)),
        15 - (time.monotonic() - killed_at),
        "the killed worker still counts as alive 15 s after the kill",
    )
