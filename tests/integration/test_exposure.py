"""Nobody reaches the account without a key: the front's exposure rules, Host/Origin, sessions, connections."""

from __future__ import annotations

import socket
import subprocess
import time

import pytest
import requests

from tests.integration.test_front_http import start_front
from tests.support.processes import http_ok, tidal_mcp, wait_until

pytestmark = pytest.mark.integration

TOKEN = "a-front-token-0123456789abcdef"
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def run_front(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        tidal_mcp("front"), env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )


def test_beyond_loopback_without_a_key_the_front_refuses_to_start(stack_env):
    result = run_front({**stack_env, "TIDAL_MCP_HOST": "0.0.0.0"})
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(
        "tidal-mcp: refusing to start: TIDAL_MCP_HOST=0.0.0.0 is not loopback and TIDAL_MCP_AUTH_TOKEN is not set"
    )
    wildcard = run_front({**stack_env, "TIDAL_MCP_HOST": "0.0.0.0", "TIDAL_MCP_AUTH_TOKEN": TOKEN})
    assert wildcard.returncode == 2 and "set TIDAL_MCP_PUBLIC_HOSTS" in wildcard.stderr


def test_the_explicit_opt_out_starts_and_host_origin_are_checked_for_the_public_names(stack_env, tmp_path):
    env = {
        **stack_env,
        "TIDAL_MCP_HOST": "0.0.0.0",
        "TIDAL_MCP_ALLOW_UNAUTHENTICATED": "1",
        "TIDAL_MCP_PUBLIC_HOSTS": "mcp.example.com",
    }
    proc, base = start_front(env, tmp_path / "logs")
    try:

        def post(host: str, origin: str | None = None) -> int:
            headers = {**MCP_HEADERS, "Host": host, **({"Origin": origin} if origin else {})}
            return requests.post(f"{base}/mcp", json=INIT, headers=headers, timeout=10).status_code

        assert post("mcp.example.com") == 200
        assert post(f"mcp.example.com:{env['TIDAL_MCP_PORT']}") == 200
        assert post("evil.example") == 421, "a forged Host (DNS rebinding) is refused"
        assert post("mcp.example.com", origin="http://evil.example") == 403, "a foreign page's Origin is refused"
        assert post("mcp.example.com", origin="https://mcp.example.com") == 200
    finally:
        proc.stop()


def raw_connection(port: int, source: str = "127.0.0.2") -> socket.socket:
    """A TCP connection to the front from another loopback address (a different client)."""
    sock = socket.socket()
    sock.bind((source, 0))
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    return sock


def closed_with(sock: socket.socket) -> bytes:
    """What the server sent before closing the connection."""
    data = b""
    while chunk := sock.recv(4096):
        data += chunk
    return data


def test_half_sent_requests_are_cut_off_and_a_connection_flood_leaves_room_for_others(stack_env, tmp_path):
    env = {
        **stack_env,
        "TIDAL_MCP_HEADER_TIMEOUT": "1",
        "TIDAL_MCP_BODY_TIMEOUT": "1",
        "TIDAL_MCP_MAX_CONNECTIONS_PER_CLIENT": "20",
    }
    proc, base = start_front(env, tmp_path / "logs")
    port = int(env["TIDAL_MCP_PORT"])
    try:
        half_headers = raw_connection(port)
        half_headers.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        half_body = raw_connection(port)
        half_body.sendall(
            b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b'Content-Length: 500\r\n\r\n{"jsonrpc":'
        )
        silent = raw_connection(port)
        started = time.monotonic()
        for sock in (half_headers, half_body, silent):
            assert closed_with(sock).startswith(b"HTTP/1.1 408"), "a stalled request is answered 408 and closed"
        assert time.monotonic() - started < 8

        flood = [raw_connection(port) for _ in range(20)]
        refused = raw_connection(port)
        assert closed_with(refused).startswith(b"HTTP/1.1 503"), "past its cap a client's connection is refused"
        assert http_ok(f"{base}/ready"), "another client (127.0.0.1) is still served"
        pressure = requests.get(f"{base}/health", timeout=5).json()["http"]
        assert pressure["busiest_client_connections"] == 20
        assert pressure["refused"]["connections"] >= 1 and pressure["refused"]["slow_headers"] >= 2
        for sock in flood:
            sock.close()
    finally:
        proc.stop()


def open_session(base: str, source: str | None = None) -> requests.Response:
    session = requests.Session()
    if source is not None:
        from requests.adapters import HTTPAdapter

        class Bound(HTTPAdapter):
            def init_poolmanager(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                kwargs["source_address"] = (source, 0)
                super().init_poolmanager(*args, **kwargs)

        session.mount("http://", Bound())
    return session.post(f"{base}/mcp", json=INIT, headers=MCP_HEADERS, timeout=10)


def test_a_session_flood_from_one_client_never_locks_another_out(stack_env, tmp_path):
    env = {
        **stack_env,
        "TIDAL_MCP_MAX_SESSIONS_PER_CLIENT": "10",
        "TIDAL_MCP_MAX_SESSIONS": "15",
        "TIDAL_MCP_SESSION_IDLE_TIMEOUT": "10",
    }
    proc, base = start_front(env, tmp_path / "logs")
    try:
        mine = open_session(base, "127.0.0.1").headers["mcp-session-id"]
        flood = [open_session(base, "127.0.0.2") for _ in range(40)]
        assert all(r.status_code == 200 for r in flood), "the flooder's idle sessions make room for its new ones"
        health = requests.get(f"{base}/health", timeout=5).json()["http"]
        assert health["busiest_client_sessions"] == 10 and health["sessions"] <= 15
        assert health["refused"]["sessions_reclaimed"] >= 30
        others = [open_session(base, "127.0.0.3") for _ in range(5)]
        assert all(r.status_code == 200 for r in others), "another client still gets sessions"
        ping = {"jsonrpc": "2.0", "id": 2, "method": "ping"}
        answer = requests.post(
            f"{base}/mcp",
            json=ping,
            timeout=10,
            headers={**MCP_HEADERS, "mcp-session-id": mine, "mcp-protocol-version": "2025-11-25"},
        )
        assert answer.status_code == 200, "the first client's session survived the flood (another address)"

        # an idle session expires by itself
        wait_until(
            lambda: requests.get(f"{base}/health", timeout=5).json()["http"]["sessions"] == 0,
            30,
            "idle sessions did not expire",
        )
        logs = proc.logs(tail=None)
        assert mine not in logs, "MCP session ids are not logged"
    finally:
        proc.stop()


def test_health_probes_never_call_tidal(stack_env, tmp_path, control):
    proc, base = start_front(stack_env, tmp_path / "logs")
    try:
        before = control.get("counters")["total"]
        for _ in range(20):
            requests.get(f"{base}/health", timeout=5)
            requests.get(f"{base}/ready", timeout=5)
        assert control.get("counters")["total"] == before
    finally:
        proc.stop()
