"""`make demo` (`tidal-mcp demo`): the stack against the emulator, logged in unattended."""

from __future__ import annotations

import os

import pytest
from mcp import Client

from tests.support.processes import Proc, free_port, http_ok, tidal_mcp, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.anyio]


async def test_demo_logs_in_unattended_and_prints_how_to_connect(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIDAL_", "PROMETHEUS_", "REDIS_"))}
    port = free_port()
    env.update(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", TIDAL_MCP_PORT=str(port),
               TIDAL_MCP_DASHBOARD_PORT=str(free_port()), TIDAL_MCP_DATA_DIR=str(tmp_path / "run"),
               PYTHONUNBUFFERED="1")
    demo = Proc("demo", tidal_mcp("demo", "--emulator-port", str(free_port()), "--workers", "1"), env,
                tmp_path / "logs")
    try:
        wait_until(lambda: demo.alive() and http_ok(f"http://127.0.0.1:{port}/health"), 90,
                   lambda: "the demo stack did not become healthy\n" + demo.logs(), interval=0.2)
        printed = demo.stdout_path.read_text()
        assert "Logged in to the emulator as user" in printed
        assert f"MCP endpoint (streamable HTTP): http://127.0.0.1:{port}/mcp" in printed
        assert '"args": ["front", "--stdio"]' in printed
        async with Client(f"http://127.0.0.1:{port}/mcp") as client:
            status = await client.call_tool("tidal_auth_status", {})
            found = await client.call_tool("tidal_search", {"query": "blue", "types": ["tracks"], "limit": 5})
        assert status.structured_content["logged_in"] is True
        assert found.structured_content["tracks"], found.content
    finally:
        demo.stop(timeout=30)
