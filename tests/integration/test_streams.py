"""Stream resolution through a real front process, real workers and the emulator's playback routes.

Every URL handed out is fetched from the emulator's CDN (signed, expiring); the expiry the tool
reports is the one in the URL's token; caching is checked with the emulator's request counters.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from mcp import Client

from tests.fake_tidal.client import Control
from tests.support.stack import shared_stack, start_front

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with shared_stack(
        tmp_path_factory.mktemp("streams"),
        workers=2,
        front=True,
        TIDAL_MCP_RATE_START="200",
        TIDAL_MCP_RATE_LIMIT="200",
        TIDAL_MCP_RATE_BURST="50",
    ) as stack:
        yield stack


@pytest.fixture
def control(stack) -> Control:
    stack.fresh()
    control = stack.control
    control.post("settings", {"subscription": "HIFI_PLUS", "url_lifetime": 3600})
    return control


@pytest.fixture
def catalog(control) -> dict:
    return control.get("catalog")


def track_with(control: Control, catalog: dict, quality: str) -> int:
    """A licensed, unencrypted track whose own best quality is ``quality``."""
    skip = set(catalog["unavailable_track_ids"]) | set(catalog["encrypted_track_ids"])
    return next(
        t
        for t in catalog["track_ids"]
        if t not in skip and control.get(f"snapshot/track/{t}")["audioQuality"] == quality
    )


def expiry_of(url: str) -> int:
    return int(parse_qs(urlsplit(url).query)["token"][0].split("~")[0])


def playback_requests(control: Control, track_id: int) -> int:
    return control.get("counters")["paths"].get(f"GET /v1/tracks/{track_id}/playbackinfopostpaywall", 0)


async def test_a_lossless_stream_is_direct_urls_that_play_and_is_cached_until_near_expiry(stack, control, catalog):
    track_id = track_with(control, catalog, "LOSSLESS")
    async with Client(stack.mcp_url) as client:
        first = (
            await client.call_tool("tidal_get_stream", {"track_id": track_id, "quality": "LOSSLESS"})
        ).structured_content
        again = (
            await client.call_tool("tidal_get_stream", {"track_id": track_id, "quality": "LOSSLESS"})
        ).structured_content
        info = (
            await client.call_tool("tidal_get_playback_info", {"track_id": track_id, "quality": "LOSSLESS"})
        ).structured_content
    assert (first["manifest_type"], first["quality"], first["downgraded"], first["codec"]) == (
        "BTS",
        "LOSSLESS",
        False,
        "flac",
    )
    assert (first["bit_depth"], first["sample_rate"], first["encryption"]) == (16, 44100, "NONE")
    assert first["urls"] and requests.get(first["urls"][0], timeout=10).status_code == 200
    expires = datetime.fromisoformat(first["expires_at"]).timestamp()
    assert expires == expiry_of(first["urls"][0])
    assert again == first and playback_requests(control, track_id) == 1
    assert "urls" not in info and "mpd" not in info and info["quality"] == "LOSSLESS"


async def test_hi_res_is_a_dash_manifest_with_a_segment_template_that_plays(stack, control, catalog):
    track_id = track_with(control, catalog, "HI_RES_LOSSLESS")
    async with Client(stack.mcp_url) as client:
        stream = (await client.call_tool("tidal_get_stream", {"track_id": track_id})).structured_content
    assert (stream["manifest_type"], stream["quality"], stream["mime_type"]) == ("DASH", "HI_RES_LOSSLESS", "audio/mp4")
    assert stream["mpd"].startswith("<?xml") and stream["urls"] == []
    template = stream["segment_template"]
    assert "$Number$" in template["media"] and template["segments"] > 0 and stream["bit_depth"] == 24
    first_segment = template["media"].replace("$Number$", str(template["start_number"]))
    for url in (template["initialization"], first_segment):
        assert requests.get(url, timeout=10).status_code == 200


async def test_a_lower_grant_says_why_track_or_subscription(stack, control, catalog):
    lossless = track_with(control, catalog, "LOSSLESS")
    hires = track_with(control, catalog, "HI_RES_LOSSLESS")
    async with Client(stack.mcp_url) as client:
        best = (await client.call_tool("tidal_get_stream", {"track_id": lossless})).structured_content
        by_track = (
            await client.call_tool("tidal_get_stream", {"track_id": lossless, "quality": "HI_RES_LOSSLESS"})
        ).structured_content
        control.post("settings", {"subscription": "HIFI"})
        by_plan = (
            await client.call_tool("tidal_get_playback_info", {"track_id": hires, "quality": "HI_RES_LOSSLESS"})
        ).structured_content
        control.post("settings", {"subscription": "FREE"})
        preview = (
            await client.call_tool("tidal_get_playback_info", {"track_id": hires, "quality": "LOW"})
        ).structured_content
    assert (best["requested_quality"], best["quality"], best["downgraded"]) == ("BEST", "LOSSLESS", False)
    assert (by_track["quality"], by_track["downgraded"]) == ("LOSSLESS", True)
    assert by_track["downgrade_reason"] == "the track is not available above LOSSLESS"
    assert (by_plan["quality"], by_plan["downgrade_reason"]) == (
        "LOSSLESS",
        "the account's subscription allows at most LOSSLESS",
    )
    assert preview["presentation"] == "PREVIEW" and "previews" in preview["downgrade_reason"]


async def test_urls_about_to_expire_are_never_cached_nor_served(stack, control, catalog):
    track_id = track_with(control, catalog, "LOSSLESS")
    control.post("settings", {"url_lifetime": 45})  # less than the 60 s a client must get
    async with Client(stack.mcp_url) as client:
        for _ in range(3):
            stream = (
                await client.call_tool("tidal_get_stream", {"track_id": track_id, "quality": "HIGH"})
            ).structured_content
            assert requests.get(stream["urls"][0], timeout=10).status_code == 200
    assert playback_requests(control, track_id) == 3, "a URL with less than 60 s left was served from the cache"


async def test_bad_tracks_and_videos_are_clear_errors_and_urls_stay_out_of_logs(stack, control, catalog):
    unavailable = catalog["unavailable_track_ids"][0]
    video_id = catalog["video_ids"][0]
    async with Client(stack.mcp_url) as client:
        gone = await client.call_tool("tidal_get_stream", {"track_id": 999_999_999})
        not_here = await client.call_tool("tidal_get_stream", {"track_id": unavailable})
        video_as_track = await client.call_tool("tidal_get_stream", {"track_id": video_id})
        bad_quality = await client.call_tool(
            "tidal_get_stream", {"track_id": catalog["track_ids"][0], "quality": "MQA"}
        )
        video = (await client.call_tool("tidal_get_video_stream", {"video_id": video_id})).structured_content
        track = (
            await client.call_tool("tidal_get_stream", {"track_id": track_with(control, catalog, "LOSSLESS")})
        ).structured_content
    for result in (gone, not_here, video_as_track):
        assert result.is_error and "no streamable track" in result.content[0].text
    assert "tidal_get_video_stream" in video_as_track.content[0].text
    assert bad_quality.is_error and "HI_RES_LOSSLESS" in bad_quality.content[0].text
    assert video["mime_type"] == "application/vnd.apple.mpegurl" and ".m3u8" in video["url"]
    assert requests.get(video["url"], timeout=10).status_code == 200
    logs = stack.pool.logs() + stack.front.logs(tail=None)
    for url in (video["url"], *track["urls"]):
        token = parse_qs(urlsplit(url).query)["token"][0]
        assert token not in logs and token.split("~")[1] not in logs
    assert not re.search(r"token=\d{9,}~", logs)
    assert base64.b64encode(track["urls"][0].encode()).decode()[:40] not in logs


async def test_an_album_resolves_as_a_batch_and_its_job_record_holds_no_url(stack, control, catalog, tmp_path):
    from shared.redis_conn import connect

    skip = set(catalog["unavailable_track_ids"]) | set(catalog["encrypted_track_ids"])
    album_id = next(a for a in catalog["album_ids"] if not skip & set(control.get(f"snapshot/album/{a}")["trackIds"]))
    expected = control.get(f"snapshot/album/{album_id}")["trackIds"]
    env = {**stack.env, "TIDAL_MCP_JOB_AFTER": "0"}  # answered as a job, polled
    proc, url = start_front(env, tmp_path / "logs")
    try:
        async with Client(url) as client:
            started = (
                await client.call_tool("tidal_get_streams", {"album_id": album_id, "quality": "LOSSLESS"})
            ).structured_content

            async def finished() -> dict | None:
                info = (await client.call_tool("tidal_get_job", {"job_id": started["job_id"]})).structured_content
                return info if info["state"] != "running" else None

            from tests.support.processes import eventually

            done = await eventually(finished, 60, "the streams job never finished")
    finally:
        proc.stop()
    streams = done["result"]["found"]
    assert [s["track_id"] for s in streams] == expected and done["result"]["failed"] == []
    assert all(s["urls"] and s["quality"] in ("LOW", "HIGH", "LOSSLESS") for s in streams)
    assert requests.get(streams[-1]["urls"][0], timeout=10).status_code == 200
    record = b"".join(v for v in connect(stack.redis_url).hgetall(f"tidal:job:{started['job_id']}:chunks").values())
    assert b"token=" not in record and b"http" not in record, "the job record keeps a URL"
