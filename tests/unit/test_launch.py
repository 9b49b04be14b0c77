"""Where supervisord's control socket goes (shared.ops.launch.supervisor_socket)."""

from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path

import pytest

from shared.ops import launch
from shared.ops.launch import SOCKET_PATH_MAX, supervisor_socket


def test_a_short_data_dir_keeps_its_socket(tmp_path):
    assert supervisor_socket(Path("/srv/tidal-mcp")) == Path("/srv/tidal-mcp/supervisor.sock")


@pytest.fixture
def runtime_dir(monkeypatch):
    """A short, fresh XDG_RUNTIME_DIR (pytest's own tmp paths are deep under xdist)."""
    with tempfile.TemporaryDirectory(dir="/tmp") as short:
        monkeypatch.setenv("XDG_RUNTIME_DIR", short)
        yield Path(short)


def test_a_deep_data_dir_gets_a_bindable_private_socket(tmp_path, runtime_dir):
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    path = supervisor_socket(deep)
    assert path != deep / "supervisor.sock" and len(os.fsencode(path)) <= SOCKET_PATH_MAX
    assert path == supervisor_socket(deep)  # the same data dir always finds the same socket
    assert path != supervisor_socket(deep / "other")
    assert path.parent == runtime_dir / f"tidal-mcp-{os.getuid()}" and path.parent.stat().st_mode & 0o777 == 0o700
    with socket.socket(socket.AF_UNIX) as server:  # supervisord can listen there
        server.bind(str(path))


def test_a_socket_dir_that_is_not_this_users_own_is_refused(tmp_path, runtime_dir):
    (runtime_dir / "elsewhere").mkdir()
    # what another user could leave in a shared /tmp
    (runtime_dir / f"tidal-mcp-{os.getuid()}").symlink_to(runtime_dir / "elsewhere")
    with pytest.raises(RuntimeError, match="shorter TIDAL_MCP_DATA_DIR"):
        supervisor_socket(tmp_path / ("d" * 120))


def test_the_launcher_hands_the_socket_to_supervisord(tmp_path, monkeypatch):
    monkeypatch.setattr(launch, "ping", lambda client: True)  # an answering Redis: no password generated
    from shared.settings import Settings

    settings = Settings.from_env({"TIDAL_MCP_DATA_DIR": str(tmp_path / "run")})
    env = launch.stack_environment(settings, workers=1, base_env={})
    assert env["TIDAL_MCP_SUPERVISOR_SOCKET"] == str(tmp_path.resolve() / "run" / "supervisor.sock")
