"""The write tools as an MCP client meets them: a real front process, the SDK client, a shared stack.

Checks what the schema, the tool layer and the gating add on top of the write jobs (tested beside
this module in ``test_playlist_writes.py``): bounds, dry runs, errors a model can act on, the
read-only front, and that a long write neither holds up a search nor serializes other playlists.
"""

from __future__ import annotations

import asyncio

import pytest
from mcp import Client

from shared.redis_conn import connect
from tests.fake_tidal.client import Control
from tests.support.processes import wait_until
from tests.support.stack import shared_stack, start_front
from tests.support.tool_names import ALL_TOOLS, READ_ONLY_FRONT_TOOLS

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with shared_stack(
        tmp_path_factory.mktemp("write-tools"),
        workers=3,
        front=True,
        TIDAL_MCP_RATE_START="200",
        TIDAL_MCP_RATE_LIMIT="200",
        TIDAL_MCP_RATE_BURST="50",
    ) as stack:
        yield stack


@pytest.fixture
def control(stack) -> Control:
    stack.fresh()
    return stack.control


@pytest.fixture
def catalog(control) -> dict:
    return control.get("catalog")


def tracks_of(control: Control, uuid: str) -> list[int]:
    return control.get(f"snapshot/playlist/{uuid}")["trackIds"]


def fresh_tracks(catalog: dict, control: Control, uuid: str, count: int) -> list[int]:
    present, refused = set(tracks_of(control, uuid)), set(catalog["unavailable_track_ids"])
    return [t for t in catalog["track_ids"][400:] if t not in present and t not in refused][:count]


async def test_a_dry_run_shows_the_exact_change_and_makes_none(stack, control, catalog):
    uuid = catalog["user_playlist_uuids"][1]
    before = tracks_of(control, uuid)
    async with Client(stack.mcp_url) as client:
        preview = await client.call_tool(
            "tidal_remove_tracks", {"playlist_id": uuid, "indices": [0, 2], "dry_run": True}
        )
        assert not preview.is_error, preview.content
        assert tracks_of(control, uuid) == before
        done = await client.call_tool("tidal_remove_tracks", {"playlist_id": uuid, "indices": [0, 2]})
    expected = [{"track_id": before[i], "position": i} for i in (0, 2)]
    removed = [{k: p[k] for k in ("track_id", "position")} for p in preview.structured_content["removed"]]
    assert removed == expected
    assert [{k: p[k] for k in ("track_id", "position")} for p in done.structured_content["removed"]] == expected
    assert tracks_of(control, uuid) == [t for i, t in enumerate(before) if i not in (0, 2)]


async def test_bad_input_is_a_clear_error_and_writes_nothing(stack, control, catalog):
    mine = catalog["user_playlist_uuids"][1]
    foreign = next(u for u in catalog["playlist_uuids"] if u not in catalog["user_playlist_uuids"])
    before, foreign_before = tracks_of(control, mine), tracks_of(control, foreign)
    async with Client(stack.mcp_url) as client:
        too_many = await client.call_tool(
            "tidal_add_tracks", {"playlist_id": mine, "track_ids": list(range(1, 10_002))}
        )
        nothing = await client.call_tool("tidal_add_tracks", {"playlist_id": mine})
        not_mine = await client.call_tool(
            "tidal_add_tracks", {"playlist_id": foreign, "track_ids": [catalog["track_ids"][0]]}
        )
        out_of_range = await client.call_tool(
            "tidal_remove_tracks", {"playlist_id": mine, "indices": [len(before) + 3]}
        )
        same = await client.call_tool(
            "tidal_merge_playlists", {"source_playlist_id": mine, "target_playlist_id": mine.upper()}
        )
        still_serving = await client.call_tool("tidal_get_playlist", {"playlist_id": mine})
    assert too_many.is_error and "5000" in too_many.content[0].text
    assert nothing.is_error and "Give track_ids and/or isrcs" in nothing.content[0].text
    assert not_mine.is_error and "belongs to someone else" in not_mine.content[0].text
    assert out_of_range.is_error and f"Index {len(before) + 3} is out of range" in out_of_range.content[0].text
    assert same.is_error and "same playlist" in same.content[0].text
    assert not still_serving.is_error
    assert tracks_of(control, mine) == before and tracks_of(control, foreign) == foreign_before


async def test_duplicate_ids_and_a_position_past_the_end_are_documented_clamps(stack, control, catalog):
    uuid = catalog["user_playlist_uuids"][2]
    before = tracks_of(control, uuid)
    new = fresh_tracks(catalog, control, uuid, 2)
    async with Client(stack.mcp_url) as client:
        result = await client.call_tool(
            "tidal_add_tracks",
            {"playlist_id": uuid, "track_ids": [new[0], new[0], new[1]], "position": len(before) + 1000},
        )
    change = result.structured_content
    assert [p["position"] for p in change["added"]] == [len(before), len(before) + 1]
    assert change["skipped_duplicates"] == [new[0]]
    assert tracks_of(control, uuid) == [*before, *new]


async def test_a_read_only_front_offers_no_write_tool(stack, tmp_path):
    env = {**stack.env, "TIDAL_MCP_READ_ONLY": "1"}
    proc, url = start_front(env, tmp_path / "logs")
    try:
        async with Client(url) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            refused = await client.call_tool(
                "tidal_clear_playlist", {"playlist_id": "0" * 8 + "-0000-4000-8000-" + "0" * 12}
            )
    finally:
        proc.stop()
    assert names == READ_ONLY_FRONT_TOOLS and READ_ONLY_FRONT_TOOLS < ALL_TOOLS
    assert refused.is_error and "tidal_clear_playlist" in refused.content[0].text


async def test_a_long_add_neither_holds_up_a_search_nor_other_playlists(stack, control, catalog):
    first, second = catalog["user_playlist_uuids"][1], catalog["user_playlist_uuids"][2]
    control.post("faults", {"latency_ms": 250, "path_regex": "^/v1/playlists/[^/]+/items$"})
    redis = connect(stack.redis_url)
    locks = (f"tidal:lock:playlist:{first}", f"tidal:lock:playlist:{second}")
    async with Client(stack.mcp_url) as client:
        adds = [
            asyncio.ensure_future(
                client.call_tool(
                    "tidal_add_tracks", {"playlist_id": uuid, "track_ids": fresh_tracks(catalog, control, uuid, 600)}
                )
            )
            for uuid in (first, second)
        ]
        # both playlists' locks held at once: their writes run side by side on two workers
        await asyncio.to_thread(wait_until, lambda: redis.exists(*locks) == 2, 60, "the two adds never overlapped")
        found = await client.call_tool("tidal_search", {"query": "love", "types": ["tracks"]})
        assert not found.is_error, found.content
        assert not any(add.done() for add in adds)  # the search was answered while both adds still ran
        results = await asyncio.gather(*adds)
    assert all(not r.is_error and len(r.structured_content["added"]) == 600 for r in results)
