"""The demo's emulator (``python -m tidal_mcp_emulator``, the package's name for ``tests/fake_tidal``): it
starts under its installed name, and when it cannot, the demo says why in one line instead of guessing."""

from __future__ import annotations

import socket

import pytest
import requests

from shared.ops import demo
from tests.support.processes import free_port

pytestmark = pytest.mark.integration


def test_the_emulator_starts_under_its_package_name_and_logs_to_the_data_dir(tmp_path):
    port = free_port()
    emulator = demo.start_emulator(port, tmp_path / "emulator.log")
    try:
        assert requests.get(f"http://127.0.0.1:{port}/_control/catalog", timeout=10).ok
        assert emulator.args[1:3] == ["-m", "tidal_mcp_emulator"]
    finally:
        emulator.terminate()
        emulator.wait(10)
    assert (tmp_path / "emulator.log").exists()


def test_a_busy_emulator_port_names_the_variable(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(demo.DemoError) as refused:
            demo.start_emulator(port, tmp_path / "emulator.log")
    assert str(refused.value) == (
        f"the TIDAL emulator could not listen on port {port}; set TIDAL_MCP_DEMO_EMULATOR_PORT to a free port"
    )


def test_an_emulator_that_cannot_start_says_why(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "EMULATOR", "tidal_mcp_no_such_emulator")
    log = tmp_path / "emulator.log"
    with pytest.raises(demo.DemoError) as failed:
        demo.start_emulator(free_port(), log)
    assert str(failed.value) == (
        f"the TIDAL emulator did not start: {demo.sys.executable}: No module named "
        f"tidal_mcp_no_such_emulator (its log: {log})"
    )
