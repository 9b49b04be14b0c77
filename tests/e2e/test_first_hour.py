"""A newcomer's first hour: the quick start on a headless host, and Ctrl-C that stops quietly."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
from mcp import Client

from mcp_front.examples import EXAMPLE_TRACK_ID
from tests.fake_tidal import FakeTidal
from tests.support.processes import Proc, free_port, http_ok, tidal_mcp, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.anyio]

ROUNDS = 20


def headless_env(tmp: Path, emulator: FakeTidal) -> dict[str, str]:
    """A server's shell: no desktop keyring (a fresh HOME, no D-Bus), nothing of tidal-mcp's configured."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TIDAL_", "REDIS_", "PROMETHEUS_", "DBUS_", "XDG_", "PYTHON_KEYRING"))
    }
    home = tmp / "home"
    home.mkdir()
    env.update(
        HOME=str(home),
        REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
        TIDAL_BASE_URL=emulator.url,
        TIDAL_MCP_DATA_DIR=str(tmp / "run"),
        TIDAL_MCP_PORT=str(free_port()),
        TIDAL_MCP_DASHBOARD_PORT=str(free_port()),
        TIDAL_MCP_WORKERS="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        tidal_mcp(*args), env=env, capture_output=True, text=True, timeout=90, stdin=subprocess.DEVNULL
    )  # a prompt would read EOF here instead of hanging


async def test_the_quick_start_works_on_a_host_without_a_desktop_keyring(tmp_path, e2e_emulator):
    env = headless_env(tmp_path, e2e_emulator)
    stack = Proc("stack", tidal_mcp("run"), env, tmp_path / "logs")
    try:
        wait_until(lambda: http_ok(f"http://127.0.0.1:{env['TIDAL_MCP_PORT']}/ready"), 90, lambda: stack.problems())
        login = run(env, "login")
        assert login.returncode == 0, login.stderr
        keyring_file = Path(env["TIDAL_MCP_DATA_DIR"]) / "keyring.cfg"
        assert keyring_file.exists() and "password" not in login.stdout.lower()
        async with Client(f"http://127.0.0.1:{env['TIDAL_MCP_PORT']}/mcp") as client:
            track = await client.call_tool("tidal_get_track", {"track_id": EXAMPLE_TRACK_ID})
        assert not track.is_error, track.content
        status = run(env, "status")
        assert status.returncode == 0, status.stdout
        assert f"in the encrypted keyring file {keyring_file}" in status.stdout
    finally:
        stack.stop()


def test_ctrl_c_stops_the_stack_quietly_every_time(tmp_path, e2e_emulator):
    env = headless_env(tmp_path, e2e_emulator)
    noisy = []
    for round_number in range(ROUNDS):
        stack = Proc(f"stack{round_number}", tidal_mcp("run"), env, tmp_path / "logs")
        try:
            wait_until(
                lambda s=stack: http_ok(f"http://127.0.0.1:{env['TIDAL_MCP_PORT']}/health"),
                90,
                lambda s=stack: s.problems(),
            )
            os.killpg(stack.pid, signal.SIGINT)  # what Ctrl-C sends to the foreground (honcho)
            stack.popen.wait(30)
            output = stack.logs(tail=None)
            if "Traceback" in output or "Error" in output:
                noisy.append((round_number, stack.problems()))
        finally:
            stack.stop()
    assert not noisy, noisy[:2]
