"""Batch reads and long jobs through a real front process, real workers and the emulator's openapi v2.

Results are compared item by item with what the emulator holds; TIDAL requests are counted by the
emulator. The stack is shared by the module; each test starts with empty caches.
"""

from __future__ import annotations

import asyncio
import math

import pytest
from mcp import Client

from tests.fake_tidal.client import Control
from tests.support.processes import eventually
from tests.support.stack import shared_stack, start_front

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

OPENAPI_TRACKS = "GET /openapi/v2/tracks"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with shared_stack(
        tmp_path_factory.mktemp("batches"),
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


def requests_to(control: Control, route: str) -> int:
    return control.get("counters")["paths"].get(route, 0)


async def test_a_batch_answers_the_cache_fetches_the_rest_in_chunks_and_keeps_the_order(stack, control, catalog):
    ids = catalog["track_ids"][300:400]
    unknown = [999_999_001, 999_999_002, 999_999_003]
    async with Client(stack.mcp_url) as client:
        for track_id in ids[:5]:
            await client.call_tool("tidal_get_track", {"track_id": track_id})
        asked = [*ids[50:], unknown[0], *ids[:50], ids[7], *unknown[1:]]
        result = await client.call_tool("tidal_get_tracks", {"track_ids": asked, "limit": 1000})
    assert not result.is_error, result.content
    answer = result.structured_content
    assert answer["state"] == "done" and answer["total"] == 103
    batch = answer["result"]
    assert [t["id"] for t in batch["found"]] == [*ids[50:], *ids[:50]]
    assert batch["not_found"] == [str(u) for u in unknown] and batch["failed"] == []
    assert batch["from_cache"] == 5
    assert requests_to(control, OPENAPI_TRACKS) == math.ceil(98 / 20)
    for track in batch["found"][::17]:
        snap = control.get(f"snapshot/track/{track['id']}")
        assert (track["title"], track["isrc"], track["duration_s"]) == (snap["title"], snap["isrc"], snap["duration"])
        assert [a["id"] for a in track["artists"]] == [a["id"] for a in snap["artists"]]
        assert track["album"]["id"] == snap["album"]["id"]


async def test_a_repeat_is_all_cache_and_identical_chunks_of_two_calls_run_once(stack, control, catalog):
    ids = catalog["track_ids"][500:560]
    control.post("faults", {"latency_ms": 300, "path_regex": "^/openapi/v2/tracks$"})
    async with Client(stack.mcp_url) as client:
        first, second = await asyncio.gather(
            client.call_tool("tidal_get_tracks", {"track_ids": ids}),
            client.call_tool("tidal_get_tracks", {"track_ids": ids[::-1]}),
        )
        again = await client.call_tool("tidal_get_tracks", {"track_ids": ids})
    assert [t["id"] for t in first.structured_content["result"]["found"]] == ids
    assert [t["id"] for t in second.structured_content["result"]["found"]] == ids[::-1]
    assert requests_to(control, OPENAPI_TRACKS) == 3
    assert again.structured_content["result"]["from_cache"] == 60


async def test_isrcs_barcodes_albums_and_artists(stack, control, catalog):
    tracks = [control.get(f"snapshot/track/{t}") for t in catalog["track_ids"][10:13]]
    albums = [control.get(f"snapshot/album/{a}") for a in catalog["album_ids"][5:8]]
    async with Client(stack.mcp_url) as client:
        by_isrc = await client.call_tool(
            "tidal_find_tracks_by_isrc", {"isrcs": [t["isrc"].lower() for t in tracks] + ["USXXX9999999"]}
        )
        by_upc = await client.call_tool("tidal_find_albums_by_barcode", {"barcodes": [a["upc"] for a in albums]})
        by_id = await client.call_tool("tidal_get_albums", {"album_ids": [a["id"] for a in albums]})
        artists = await client.call_tool("tidal_get_artists", {"artist_ids": catalog["artist_ids"][:4]})
    isrc = by_isrc.structured_content["result"]
    assert [m["isrc"] for m in isrc["found"]] == [t["isrc"] for t in tracks]
    assert all(tracks[i]["id"] in [t["id"] for t in m["tracks"]] for i, m in enumerate(isrc["found"]))
    assert isrc["not_found"] == ["USXXX9999999"]
    assert [m["albums"][0]["id"] for m in by_upc.structured_content["result"]["found"]] == [a["id"] for a in albums]
    found = by_id.structured_content["result"]["found"]
    assert [(a["id"], a["title"], a["number_of_tracks"]) for a in found] == [
        (a["id"], a["title"], a["numberOfTracks"]) for a in albums
    ]
    names = [a["name"] for a in artists.structured_content["result"]["found"]]
    assert names == [control.get(f"snapshot/artist/{a}")["name"] for a in catalog["artist_ids"][:4]]


async def test_bad_input_is_a_clear_error(stack, control, catalog):
    async with Client(stack.mcp_url) as client:
        too_many = await client.call_tool("tidal_get_tracks", {"track_ids": list(range(1, 1002))})
        empty = await client.call_tool("tidal_get_tracks", {"track_ids": []})
        bad_isrc = await client.call_tool("tidal_find_tracks_by_isrc", {"isrcs": ["not-an-isrc"]})
        bad_upc = await client.call_tool("tidal_find_albums_by_barcode", {"barcodes": ["12ab"]})
        no_job = await client.call_tool("tidal_get_job", {"job_id": "b0123456789abcdef"})
        bad_job = await client.call_tool("tidal_get_job", {"job_id": "../../etc"})
    assert too_many.is_error and "1000" in too_many.content[0].text
    assert empty.is_error and "at least 1" in empty.content[0].text
    assert bad_isrc.is_error and "pattern" in bad_isrc.content[0].text
    assert bad_upc.is_error and "pattern" in bad_upc.content[0].text
    assert no_job.is_error and "No job b0123456789abcdef" in no_job.content[0].text
    assert bad_job.is_error and "pattern" in bad_job.content[0].text
    assert requests_to(control, OPENAPI_TRACKS) == 0


async def test_a_long_batch_answers_with_a_job_that_is_polled_to_completion_and_paged(
    stack, control, catalog, tmp_path
):
    env = {**stack.env, "TIDAL_MCP_JOB_AFTER": "0"}  # every batch with misses answers as a job
    proc, url = start_front(env, tmp_path / "logs")
    ids = catalog["track_ids"][600:850]
    try:
        async with Client(url) as client:
            started = (await client.call_tool("tidal_get_tracks", {"track_ids": ids})).structured_content
            assert started["state"] == "running" and started["total"] == 250 and started["result"] is None
            job_id = started["job_id"]

            async def finished() -> dict | None:
                info = (await client.call_tool("tidal_get_job", {"job_id": job_id, "limit": 100})).structured_content
                return info if info["state"] != "running" else None

            info = await eventually(finished, 60, "the job never finished")
            pages = [info["result"]]
            while pages[-1]["next_offset"] is not None:
                pages.append(
                    (
                        await client.call_tool(
                            "tidal_get_job", {"job_id": job_id, "limit": 100, "offset": pages[-1]["next_offset"]}
                        )
                    ).structured_content["result"]
                )
            listed = (await client.call_tool("tidal_list_jobs", {})).structured_content["jobs"]
    finally:
        proc.stop()
    assert info["state"] == "done" and info["done"] == 250
    assert [t["id"] for page in pages for t in page["found"]] == ids and len(pages) == 3
    assert job_id in [j["job_id"] for j in listed]
    assert requests_to(control, OPENAPI_TRACKS) == math.ceil(250 / 20)


def _misspell(word: str) -> str:
    """Swap two inner letters: 'Meadow' -> 'Maedow'."""
    return word[0] + word[2] + word[1] + word[3:] if len(word) > 3 else word + "e"


async def test_song_lines_match_their_tracks_despite_typos_credits_and_versions(stack, control, catalog):
    snaps = [control.get(f"snapshot/track/{t}") for t in catalog["track_ids"][:300]]
    available = [s for s in snaps if s["id"] not in set(catalog["unavailable_track_ids"])]
    plain = [s for s in available if s["version"] is None and "feat." not in s["title"]]
    featured = next(s for s in available if "feat." in s["title"] and s["version"] is None)
    versioned = next(s for s in available if s["version"] in ("Live", "Acoustic", "Remix"))
    main = lambda s: s["artists"][0]["name"]  # noqa: E731
    base_title = featured["title"].split(" (feat.")[0]
    words = plain[3]["title"].split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    typo_title = " ".join(_misspell(w) if i == longest else w for i, w in enumerate(words))
    corpus = {
        f"{main(plain[0])} - {plain[0]['title']}": plain[0]["id"],
        f"{plain[1]['title']} by {main(plain[1])}": plain[1]["id"],
        f"{_misspell(main(plain[2]))} - {plain[2]['title']}": plain[2]["id"],
        f"{main(plain[3])} - {typo_title}": plain[3]["id"],
        f"{main(featured)} feat. {featured['artists'][1]['name']} - {base_title}": featured["id"],
        f"{main(versioned)} - {versioned['title']} ({versioned['version']})": versioned["id"],
        f"{main(plain[4])} – {plain[4]['title']} ({plain[4]['album']['title']}, 2019)": plain[4]["id"],
        "Zyxwv Quorbl - Nothing Like This Exists": None,
    }
    async with Client(stack.mcp_url) as client:
        result = await client.call_tool("tidal_match_tracks", {"lines": list(corpus)})
    assert not result.is_error, result.content
    matches = result.structured_content["result"]["found"]
    assert [m["line"] for m in matches] == list(corpus)
    for match in matches:
        expected = corpus[match["line"]]
        chosen = match["track"]["id"] if match["track"] else None
        assert chosen == expected, match
        if expected is None:
            assert match["reason"] and match["confidence"] < 0.6
        else:
            assert match["confidence"] >= 0.6 and (match["runner_up_confidence"] or 0) <= match["confidence"]


async def test_the_library_export_has_every_part_whole_with_m3u_and_csv(stack, control, catalog):
    async with Client(stack.mcp_url) as client:
        first = (await client.call_tool("tidal_export_library", {"limit": 5})).structured_content
        parts = list(first["result"]["found"]) if first["state"] == "done" else []

        async def finished() -> dict | None:
            info = (
                await client.call_tool("tidal_get_job", {"job_id": first["job_id"], "limit": 5, "offset": len(parts)})
            ).structured_content
            return info if info["state"] != "running" else None

        info = first if first["state"] == "done" else await eventually(finished, 120, "the export never finished")
        if first["state"] != "done":
            parts = list(info["result"]["found"])
        while len(parts) < info["result"]["found_total"]:
            page = (
                await client.call_tool("tidal_get_job", {"job_id": first["job_id"], "limit": 5, "offset": len(parts)})
            ).structured_content
            parts += page["result"]["found"]
    by_name = {p["part"]: p for p in parts}
    library = by_name["library"]["data"]
    own = [p["uuid"] for p in library["playlists"]]
    assert set(catalog["user_playlist_uuids"]) <= set(own)
    assert {f"favorites:{k}" for k in ("tracks", "albums", "artists", "playlists", "videos", "mixes")} <= set(by_name)
    for uuid in catalog["user_playlist_uuids"]:
        part = by_name[f"playlist:{uuid}"]
        expected = control.get(f"snapshot/playlist/{uuid}")["trackIds"]
        assert [t["id"] for t in part["data"]["tracks"]] == expected
        assert part["m3u"].startswith("#EXTM3U") and part["m3u"].count("#EXTINF:") == len(expected)
        rows = part["csv"].strip().splitlines()
        assert rows[0].startswith("position,track_id") and [int(r.split(",")[1]) for r in rows[1:]] == expected
    assert info["result"]["failed"] == [] and len(parts) == info["result"]["found_total"] == info["total"]


async def test_a_long_playlist_is_answered_page_by_page(stack, control, catalog):
    uuid = max(catalog["user_playlist_uuids"], key=lambda u: len(control.get(f"snapshot/playlist/{u}")["trackIds"]))
    expected = control.get(f"snapshot/playlist/{uuid}")["trackIds"]
    pages = []
    async with Client(stack.mcp_url) as client:
        offset: int | None = 0
        while offset is not None:
            page = (
                await client.call_tool("tidal_get_playlist", {"playlist_id": uuid, "offset": offset, "limit": 100})
            ).structured_content
            pages.append(page)
            offset = page["next_offset"]
            if len(pages) == 1:
                fetched = control.get("counters")["total"]
    assert control.get("counters")["total"] == fetched, "later pages came from the cache"
    assert len(expected) > 200 and len(pages) == -(-len(expected) // 100)
    assert [t["id"] for page in pages for t in page["tracks"]] == expected
    assert {page["tracks_total"] for page in pages} == {len(expected)}


async def test_with_bearer_auth_a_job_is_seen_only_by_its_token(stack, control, catalog, tmp_path):
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    token = "batch-owner-token-0123456789"
    env = {**stack.env, "TIDAL_MCP_AUTH_TOKEN": token, "TIDAL_MCP_JOB_AFTER": "0"}
    proc, url = start_front(env, tmp_path / "logs")
    try:
        async with (
            httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http,
            Client(streamable_http_client(url, http_client=http)) as client,
        ):
            started = (
                await client.call_tool("tidal_get_tracks", {"track_ids": catalog["track_ids"][900:960]})
            ).structured_content
            mine = await client.call_tool("tidal_get_job", {"job_id": started["job_id"]})
            listed = (await client.call_tool("tidal_list_jobs", {})).structured_content["jobs"]
        async with Client(stack.mcp_url) as other:  # the loopback front without a token: another owner
            theirs = await other.call_tool("tidal_get_job", {"job_id": started["job_id"]})
            cancel = await other.call_tool("tidal_cancel_job", {"job_id": started["job_id"]})
            their_list = (await other.call_tool("tidal_list_jobs", {})).structured_content["jobs"]
    finally:
        proc.stop()
    assert not mine.is_error and [j["job_id"] for j in listed] == [started["job_id"]]
    assert theirs.is_error and f"No job {started['job_id']}" in theirs.content[0].text
    assert cancel.is_error and started["job_id"] not in [j["job_id"] for j in their_list]
    assert token not in proc.logs()
