"""End to end under honcho (`tidal-mcp run`, what `make run` starts) with the MCP SDK client.

Client -> front (streamable HTTP or stdio) -> Redis cache / RQ queue -> worker processes with their
own tidalapi sessions -> emulator -> cache -> client. Results are compared with what the emulator
holds; cache hits and coalescing are checked with the emulator's request counters.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator

import pytest
import requests
from mcp import Client, StdioServerParameters

from shared.ops.dashboard import dashboard_password
from shared.pool import live_worker_names
from shared.redis_conn import connect
from shared.settings import Settings
from tests.e2e.conftest import Stack, login, stack_environment, start_stack, stop_stack
from tests.support.processes import tidal_mcp, wait_until
from tests.support.tool_names import ALL_TOOLS, DESTRUCTIVE_TOOLS, IDEMPOTENT_WRITES, READ_TOOLS

pytestmark = [pytest.mark.e2e, pytest.mark.anyio]


@pytest.fixture(scope="module")
def stack(tmp_path_factory, e2e_emulator) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("honcho")
    env = stack_environment(tmp, e2e_emulator, workers=4)
    printed = login(env, tmp / "logs")
    assert "/device/" in printed and "Logged in" in printed
    stack = start_stack(tidal_mcp("run", "--workers", "4"), env, e2e_emulator, tmp / "logs", workers=4)
    yield stack
    stop_stack(stack)


@pytest.fixture
def control(stack: Stack):
    stack.control.delete("faults")
    stack.control.post("reset")  # counters only: the stack's login stays valid
    return stack.control


def path_count(control, path: str) -> int:
    return control.get("counters")["paths"].get(path, 0)


async def test_tools_declare_schemas_and_honest_annotations(stack):
    async with Client(stack.mcp_url) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == ALL_TOOLS
    for name, tool in tools.items():
        hints = tool.annotations
        assert hints.read_only_hint is (name in READ_TOOLS), name
        assert hints.destructive_hint is (name in DESTRUCTIVE_TOOLS), name
        if name not in READ_TOOLS:
            assert hints.idempotent_hint is (name in IDEMPOTENT_WRITES), name
        if name in DESTRUCTIVE_TOOLS:
            assert tool.input_schema["properties"]["dry_run"]["type"] == "boolean", name
        assert tool.output_schema and tool.input_schema["type"] == "object"
    assert tools["tidal_search"].input_schema["properties"]["limit"]["maximum"] == 50


async def test_every_tool_over_http_returns_what_tidal_holds(stack, control):
    catalog = control.get("catalog")
    async with Client(stack.mcp_url) as client:
        auth = (await client.call_tool("tidal_auth_status", {})).structured_content
        assert auth["logged_in"] is True and auth["user_id"] == catalog["user_id"]

        track_id = catalog["track_ids"][100]
        snap = control.get(f"snapshot/track/{track_id}")
        track = (await client.call_tool("tidal_get_track", {"track_id": track_id})).structured_content
        assert (track["title"], track["isrc"], track["duration_s"]) == (snap["title"], snap["isrc"], snap["duration"])

        album_id = catalog["album_ids"][10]
        album = (await client.call_tool("tidal_get_album", {"album_id": album_id})).structured_content
        assert [t["id"] for t in album["tracks"]] == control.get(f"snapshot/album/{album_id}")["trackIds"]

        artist_id = catalog["artist_ids"][10]
        artist = (await client.call_tool("tidal_get_artist", {"artist_id": artist_id})).structured_content
        artist_snap = control.get(f"snapshot/artist/{artist_id}")
        assert artist["name"] == artist_snap["name"]
        assert [t["id"] for t in artist["top_tracks"]] == artist_snap["topTrackIds"][: len(artist["top_tracks"])]

        uuid = catalog["user_playlist_uuids"][0]
        playlist = (await client.call_tool("tidal_get_playlist", {"playlist_id": uuid})).structured_content
        assert [t["id"] for t in playlist["tracks"]] == control.get(f"snapshot/playlist/{uuid}")["trackIds"]

        found = await client.call_tool("tidal_search", {"query": snap["title"], "types": ["tracks"]})
        assert not found.is_error
        assert track_id in [t["id"] for t in found.structured_content["tracks"]]


async def test_a_repeated_call_is_served_from_the_cache(stack, control):
    track_id = control.get("catalog")["track_ids"][200]
    async with Client(stack.mcp_url) as client:
        first = await client.call_tool("tidal_get_track", {"track_id": track_id})
        second = await client.call_tool("tidal_get_track", {"track_id": track_id})
    assert first.structured_content == second.structured_content
    assert path_count(control, f"GET /v1/tracks/{track_id}") == 1


async def test_twenty_identical_concurrent_calls_make_one_tidal_request(stack, control):
    control.post("faults", {"latency_ms": 400, "path_regex": "^/v1/albums/"})
    album_id = control.get("catalog")["album_ids"][20]

    async def caller(count: int) -> list:
        async with Client(stack.mcp_url) as client:
            return await asyncio.gather(
                *(client.call_tool("tidal_get_album", {"album_id": album_id}) for _ in range(count))
            )

    results = [r for batch in await asyncio.gather(*(caller(5) for _ in range(4))) for r in batch]
    assert len(results) == 20 and not any(r.is_error for r in results)
    assert len({r.structured_content["title"] for r in results}) == 1
    assert path_count(control, f"GET /v1/albums/{album_id}") == 1


async def test_the_stdio_transport_serves_every_tool_from_the_same_pool(stack, control):
    catalog = control.get("catalog")
    params = StdioServerParameters(command=tidal_mcp()[0], args=["front", "--stdio"], env=stack.env)
    async with Client(params) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert names == ALL_TOOLS
        auth = await client.call_tool("tidal_auth_status", {})
        track_id = catalog["track_ids"][300]
        track = await client.call_tool("tidal_get_track", {"track_id": track_id})
        album = await client.call_tool("tidal_get_album", {"album_id": catalog["album_ids"][30]})
        artist = await client.call_tool("tidal_get_artist", {"artist_id": catalog["artist_ids"][30]})
        playlist = await client.call_tool("tidal_get_playlist", {"playlist_id": catalog["user_playlist_uuids"][1]})
        search = await client.call_tool("tidal_search", {"query": track.structured_content["title"]})
        again = await client.call_tool("tidal_get_track", {"track_id": track_id})
    for result in (auth, track, album, artist, playlist, search, again):
        assert not result.is_error, result.content
    assert auth.structured_content["logged_in"] is True
    assert track.structured_content["id"] == track_id == again.structured_content["id"]
    assert path_count(control, f"GET /v1/tracks/{track_id}") == 1


async def test_bad_input_gets_a_clear_error_and_the_front_keeps_serving(stack, control):
    async with Client(stack.mcp_url) as client:
        negative = await client.call_tool("tidal_get_track", {"track_id": -5})
        bad_uuid = await client.call_tool("tidal_get_playlist", {"playlist_id": "not-a-uuid"})
        unknown = await client.call_tool("tidal_get_track", {"track_id": 424242})
        blank = await client.call_tool("tidal_search", {"query": "   "})
        fine = await client.call_tool("tidal_get_track", {"track_id": control.get("catalog")["track_ids"][1]})
        not_ids = [await client.call_tool("tidal_get_track", {"track_id": value}) for value in (True, 1.5, "42")]
        bool_limit = await client.call_tool("tidal_search", {"query": "blue", "limit": True})
    assert negative.is_error and "greater than or equal to 1" in negative.content[0].text
    assert bad_uuid.is_error and "pattern" in bad_uuid.content[0].text
    assert unknown.is_error and "no track with id 424242" in unknown.content[0].text
    assert blank.is_error and "empty" in blank.content[0].text
    assert not fine.is_error
    for result in [*not_ids, bool_limit]:  # strict: JSON true/1.5/"42" are not ids or counts
        assert result.is_error and "valid integer" in result.content[0].text, result.content
    assert path_count(control, "GET /v1/tracks/1") == 0 and path_count(control, "GET /v1/tracks/42") == 0


def test_health_ready_metrics_and_dashboard_answer(stack):
    health = stack.health()
    assert (health["status"], health["redis"], health["workers"], health["login"]) == ("ok", "ok", 4, "ok")
    assert requests.get(f"{stack.base}/ready", timeout=5).json() == {"ready": True}
    metrics = requests.get(f"{stack.base}/metrics", timeout=5).text
    assert "tidal_mcp_queue_jobs" in metrics and "tidal_mcp_workers 4.0" in metrics
    states = {
        line.split('"')[1]: float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("tidal_mcp_worker_states{")
    }
    assert set(states) == {"busy", "idle"} and sum(states.values()) == 4
    assert 'tidal_mcp_queue_oldest_job_age_seconds{queue="tidal-read"}' in metrics
    assert "tidal_mcp_redis_used_memory_bytes" in metrics and 'tidal_mcp_rate_limit_rate{api="v1"}' in metrics
    dashboard = f"http://127.0.0.1:{stack.env['TIDAL_MCP_DASHBOARD_PORT']}/"
    wait_until(lambda: requests.get(dashboard, timeout=5).status_code == 401, 30, "rq-dashboard did not answer")
    settings = Settings.from_env(stack.env)
    credentials = (settings.dashboard_user, dashboard_password(settings, create=False))
    assert requests.get(dashboard, auth=credentials, timeout=5).status_code == 200


async def test_a_worker_killed_with_sigkill_is_replaced_and_the_front_keeps_answering(stack, control):
    redis_client = stack.redis()
    before = live_worker_names(redis_client)
    victim_pid = int(before[0].rsplit(".", 1)[1])
    os.kill(victim_pid, signal.SIGKILL)
    killed_at = time.monotonic()
    catalog = control.get("catalog")
    async with Client(stack.mcp_url) as client:
        for track_id in catalog["track_ids"][400:405]:
            result = await client.call_tool("tidal_get_track", {"track_id": track_id})
            assert not result.is_error and result.structured_content["id"] == track_id
    # the WorkerPool under honcho respawns the killed worker; honcho itself never noticed
    wait_until(
        lambda: len(set(live_worker_names(redis_client)) - set(before)) >= 1,
        10 - (time.monotonic() - killed_at),
        "no replacement worker within 10 s",
        interval=0.1,
    )
    wait_until(
        lambda: before[0] not in live_worker_names(redis_client),
        15 - (time.monotonic() - killed_at),
        "the killed worker still counts as alive",
    )
    assert stack.proc.alive()


def test_status_reports_login_redis_queues_and_workers(stack):
    result = subprocess.run(tidal_mcp("status", "--json"), env=stack.env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["healthy"] is True and report["redis"]["ok"] is True
    assert report["login"]["stored"] is True and report["login"]["user_id"] == stack.control.get("catalog")["user_id"]
    assert len(report["workers"]) >= 2 and "tidal-read" in report["queues"]
    assert report["tidal"]["state"] == "reachable" and report["login"]["pool"] == "ok"
    assert report["tidal"]["circuit"]["state"] == "closed" and report["problems"] == []
    settings = Settings.from_env(stack.env)
    for secret_value in (
        stack.env["TIDAL_MCP_KEYRING_PASSWORD"],
        connect(settings.redis_url).connection_pool.connection_kwargs["password"],
    ):
        assert secret_value not in result.stdout
    text = subprocess.run(tidal_mcp("status"), env=stack.env, capture_output=True, text=True, timeout=60).stdout
    assert text.startswith("redis     ok") and "login     ok" in text and text.rstrip().endswith("healthy")


async def test_a_slow_call_reports_progress_while_the_pool_works(stack, control):
    control.post("faults", {"latency_ms": 2500, "path_regex": "^/v1/artists/"})
    artist_id = control.get("catalog")["artist_ids"][50]
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    async with Client(stack.mcp_url) as client:
        result = await client.call_tool("tidal_get_artist", {"artist_id": artist_id}, progress_callback=on_progress)
    assert not result.is_error and result.structured_content["id"] == artist_id
    assert seen, "no progress notification arrived"
    assert all(total == 20 and "waiting for TIDAL" in message for _, total, message in seen)
    assert [p for p, _, _ in seen] == sorted(p for p, _, _ in seen)


async def test_a_batch_answered_inline_reports_progress_in_items(stack, control):
    control.post("faults", {"latency_ms": 1500, "path_regex": "^/openapi/v2/tracks$"})
    ids = control.get("catalog")["track_ids"][1200:1400]
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    async with Client(stack.mcp_url) as client:
        result = await client.call_tool(
            "tidal_get_tracks", {"track_ids": ids, "limit": 1000}, progress_callback=on_progress
        )
    assert not result.is_error, result.content
    assert result.structured_content["state"] == "done"
    assert [t["id"] for t in result.structured_content["result"]["found"]] == ids
    assert seen, "no progress notification arrived"
    assert all(total == 200 and message == f"{progress:g}/200 items" for progress, total, message in seen)
    assert [p for p, _, _ in seen] == sorted(p for p, _, _ in seen) and seen[-1][0] < 200
