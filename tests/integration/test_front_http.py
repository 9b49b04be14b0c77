"""The front process's HTTP routes without a healthy pool: /health says why, /ready and /metrics answer."""

from __future__ import annotations

import pytest
import requests

from tests.support.processes import Proc, http_ok, start_listening, tidal_mcp, wait_until
from tests.support.stack import worker_pool

pytestmark = pytest.mark.integration


def start_front(env: dict[str, str], log_dir) -> tuple[Proc, str]:
    """``tidal-mcp front`` serving /ready (on fresh ports if the picked one was taken meanwhile)."""
    proc = start_listening(
        "front",
        tidal_mcp("front"),
        env,
        log_dir,
        lambda: http_ok(f"http://127.0.0.1:{env['TIDAL_MCP_PORT']}/ready"),
        ("TIDAL_MCP_PORT",),
    )
    return proc, f"http://127.0.0.1:{env['TIDAL_MCP_PORT']}"


@pytest.fixture
def front(stack_env, tmp_path):
    proc, base = start_front(stack_env, tmp_path / "logs")
    try:
        yield base
    finally:
        proc.stop()


def test_health_is_503_with_the_reason_until_a_worker_lives(front, stack_env, logged_in, tmp_path):
    response = requests.get(f"{front}/health", timeout=5)
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["redis"], body["workers"], body["reason"]) == (
        "unavailable",
        "ok",
        0,
        "no worker process is alive",
    )
    with worker_pool(stack_env, tmp_path / "logs", count=1):
        wait_until(lambda: requests.get(f"{front}/health", timeout=5).status_code == 200, 30, "health stayed 503")
        body = requests.get(f"{front}/health", timeout=5).json()
        assert (body["status"], body["redis"], body["workers"], body["login"]) == ("ok", "ok", 1, "ok")
        assert body["tidal"]["circuit"] == "closed" and body["http"]["connections"] >= 1


def test_health_is_503_when_redis_does_not_answer(stack_env, tmp_path):
    env = {**stack_env, "REDIS_URL": "redis://127.0.0.1:1/0"}
    proc = Proc("front", tidal_mcp("front"), env, tmp_path / "logs")
    base = f"http://127.0.0.1:{stack_env['TIDAL_MCP_PORT']}"
    try:

        def answered() -> list[requests.Response]:  # a list: a 503 Response is falsy
            try:
                return [requests.get(f"{base}/health", timeout=10)]
            except requests.ConnectionError:
                return []

        [response] = wait_until(answered, 60, lambda: "the front did not answer\n" + proc.problems())
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "unavailable" and body["redis"] == "down" and "Redis" in body["reason"]
        assert requests.get(f"{base}/ready", timeout=10).status_code == 503
        assert requests.get(f"{base}/metrics", timeout=10).status_code == 200
    finally:
        proc.stop()


@pytest.mark.anyio
async def test_a_configured_bearer_token_is_required_on_mcp_only(stack_env, logged_in, tmp_path):
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    token = "s3cret-token-0123456789abcdef"
    env = {**stack_env, "TIDAL_MCP_AUTH_TOKEN": token}
    proc, base = start_front(env, tmp_path / "logs")
    try:
        init = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "1"},
            },
        }
        headers = {"Accept": "application/json, text/event-stream"}
        assert requests.post(f"{base}/mcp", json=init, headers=headers, timeout=10).status_code == 401
        wrong = {**headers, "Authorization": "Bearer not-the-token"}
        assert requests.post(f"{base}/mcp", json=init, headers=wrong, timeout=10).status_code == 401
        async with (
            httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http,
            Client(streamable_http_client(f"{base}/mcp", http_client=http)) as client,
        ):
            tools = {t.name for t in (await client.list_tools()).tools}
        assert "tidal_get_track" in tools
        assert requests.get(f"{base}/ready", timeout=10).status_code == 200
        assert token not in proc.logs()
    finally:
        proc.stop()


def test_a_short_token_is_refused_without_echoing_it(stack_env):
    import subprocess

    result = subprocess.run(
        tidal_mcp("front"),
        env={**stack_env, "TIDAL_MCP_AUTH_TOKEN": "tooshort"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "TIDAL_MCP_AUTH_TOKEN must be at least 16 characters" in result.stderr
    assert "tooshort" not in result.stderr


def sse_events(response: requests.Response, until_id: int) -> list[dict]:
    """The SSE events of ``response`` (``id``, ``retry``, ``data``) up to the JSON-RPC answer to ``until_id``."""
    import json

    events, event = [], {}
    for line in response.iter_lines(decode_unicode=True):
        if line:
            field, _, value = line.partition(":")
            event[field] = value.removeprefix(" ")
            continue
        if event:
            events.append(event)
            if event.get("data") and json.loads(event["data"]).get("id") == until_id:
                return events
        event = {}
    raise AssertionError(f"the stream ended before the answer to {until_id}: {events}")


def test_a_legacy_client_resumes_a_lost_sse_stream_with_last_event_id(front):
    """Each POST stream starts with a priming event (id, retry hint, no data); a GET with that id as
    Last-Event-ID replays what followed it on that stream."""
    headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    init = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
    }
    with requests.Session() as http:
        opened = http.post(f"{front}/mcp", json=init, headers=headers, timeout=10, stream=True)
        sse_events(opened, 1)
        headers |= {"Mcp-Session-Id": opened.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-11-25"}
        http.post(
            f"{front}/mcp", json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=headers, timeout=10
        )
        listed = http.post(
            f"{front}/mcp",
            json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
            headers=headers,
            timeout=10,
            stream=True,
        )
        priming, *_rest, answer = sse_events(listed, 2)
        assert priming["id"] and priming["retry"] == "1000" and priming.get("data", "") == ""
        resumed = http.get(f"{front}/mcp", headers={**headers, "Last-Event-ID": priming["id"]}, timeout=10, stream=True)
        assert resumed.status_code == 200
        replayed = sse_events(resumed, 2)[-1]
        resumed.close()
    assert (replayed["id"], replayed["data"]) == (answer["id"], answer["data"])
