"""`make demo` (`tidal-mcp demo`): its own everything, help once healthy, visible to `status --demo`."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest
from mcp import Client

from mcp_front.examples import EXAMPLE_TRACK_ID
from shared.redis_conn import connect
from shared.settings import Settings
from shared.tokens import TokenStore
from tests.support.logins import emulator_login
from tests.support.processes import Proc, free_port, tidal_mcp, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.anyio]


@pytest.fixture
def production(stack_env, emu) -> dict[str, str]:
    """A "production" installation's variables, exported in the shell that runs the demo."""
    settings = Settings.from_env(stack_env)
    TokenStore.from_settings(settings, connect(settings.redis_url)).save(emulator_login(emu))
    return stack_env


def demo_env(tmp_path, production: dict[str, str]) -> dict[str, str]:
    return {
        **production,
        "PYTHONUNBUFFERED": "1",
        "TIDAL_MCP_DEMO_DATA_DIR": str(tmp_path / "demo"),
        "TIDAL_MCP_DEMO_PORT": str(free_port()),
        "TIDAL_MCP_DEMO_DASHBOARD_PORT": str(free_port()),
        "TIDAL_MCP_DEMO_REDIS_PORT": str(free_port()),
        "TIDAL_MCP_DEMO_EMULATOR_PORT": str(free_port()),
    }


async def test_the_demo_keeps_to_itself_and_says_how_to_connect_once_up(tmp_path, production):
    keyring_before = Path(production["TIDAL_MCP_KEYRING_FILE"]).read_bytes()
    prod_redis = connect(production["REDIS_URL"])
    prod_keys_before = set(prod_redis.keys("*"))
    env = demo_env(tmp_path, production)
    port = env["TIDAL_MCP_DEMO_PORT"]
    demo = Proc("demo", tidal_mcp("demo", "--workers", "1"), env, tmp_path / "logs")
    try:
        printed = wait_until(
            lambda: demo.alive() and "The demo is up" in demo.stdout_path.read_text() and demo.stdout_path.read_text(),
            120,
            lambda: "the demo did not say it is up\n" + demo.problems(),
            interval=0.2,
        )
        assert "Logged in to the emulator as user" in printed
        assert f"MCP endpoint (streamable HTTP): http://127.0.0.1:{port}/mcp" in printed
        assert f"track_id={EXAMPLE_TRACK_ID}" in printed and "status --demo" in printed
        async with Client(f"http://127.0.0.1:{port}/mcp") as client:
            status = await client.call_tool("tidal_auth_status", {})
            track = await client.call_tool("tidal_get_track", {"track_id": EXAMPLE_TRACK_ID})
        assert status.structured_content["logged_in"] is True
        assert not track.is_error and track.structured_content["id"] == EXAMPLE_TRACK_ID

        watched = subprocess.run(
            tidal_mcp("status", "--demo", "--json"),
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        report = json.loads(watched.stdout)
        assert watched.returncode == 0, watched.stdout
        assert report["redis"]["ok"] and len(report["workers"]) == 1 and report["login"]["stored"]
    finally:
        demo.stop(timeout=30)
    assert Path(production["TIDAL_MCP_KEYRING_FILE"]).read_bytes() == keyring_before, "the production login changed"
    assert set(prod_redis.keys("*")) == prod_keys_before, "the demo wrote into the production Redis"


def test_a_busy_demo_port_is_one_line_naming_the_variable(tmp_path, production):
    env = demo_env(tmp_path, production)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", int(env["TIDAL_MCP_DEMO_EMULATOR_PORT"])))
        busy.listen()
        result = subprocess.run(
            tidal_mcp("demo"), env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
        )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"tidal-mcp: demo: port {env['TIDAL_MCP_DEMO_EMULATOR_PORT']} (the TIDAL emulator) is in use; "
        "set TIDAL_MCP_DEMO_EMULATOR_PORT to a free port"
    ]
