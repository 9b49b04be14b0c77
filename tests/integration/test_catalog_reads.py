"""Catalog reads beyond the basics (lyrics, radios, similar, bios, reviews, an artist's albums by kind),
through a real front, workers and the emulator; each compared with the emulator's own answer."""

from __future__ import annotations

import pytest
from mcp import Client

from tests.fake_tidal.client import Control, logged_in_session
from tests.support.stack import shared_stack

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with shared_stack(
        tmp_path_factory.mktemp("catalog-reads"),
        workers=2,
        front=True,
        TIDAL_MCP_RATE_START="200",
        TIDAL_MCP_RATE_LIMIT="200",
        TIDAL_MCP_RATE_BURST="50",
    ) as stack:
        yield stack


@pytest.fixture(scope="module")
def tidal(stack):
    """A tidalapi session of the test's own: what the emulator answers, as the oracle."""
    return logged_in_session(stack.emu)


@pytest.fixture
def control(stack) -> Control:
    stack.fresh()
    return stack.control


def raw(tidal, path: str, **params):  # type: ignore[no-untyped-def]
    return tidal.request.request("GET", path, params=params or None).json()


async def test_lyrics_radio_and_paging_match_tidal(stack, control, tidal):
    catalog = control.get("catalog")
    track_id = next(t for t in catalog["track_ids"][:200] if tidal.request.request("GET", f"tracks/{t}/lyrics").ok)
    expected_radio = [t["id"] for t in raw(tidal, f"tracks/{track_id}/radio", limit=100)["items"]]
    async with Client(stack.mcp_url) as client:
        lyrics = (await client.call_tool("tidal_get_track_lyrics", {"track_id": track_id})).structured_content
        pages, offset = [], 0
        while offset is not None:
            page = (
                await client.call_tool("tidal_get_track_radio", {"track_id": track_id, "offset": offset, "limit": 40})
            ).structured_content
            pages.append(page)
            offset = page["next_offset"]
    lyrics_raw = raw(tidal, f"tracks/{track_id}/lyrics")
    assert (lyrics["text"], lyrics["synced"]) == (lyrics_raw["lyrics"], lyrics_raw["subtitles"] or None)
    assert [t["id"] for p in pages for t in p["items"]] == expected_radio and pages[0]["total"] == len(expected_radio)


async def test_artist_reads_match_tidal(stack, control, tidal):
    artist_id = control.get("catalog")["artist_ids"][3]
    async with Client(stack.mcp_url) as client:
        albums = (
            await client.call_tool("tidal_get_artist_albums", {"artist_id": artist_id, "limit": 100})
        ).structured_content
        singles = (
            await client.call_tool(
                "tidal_get_artist_albums", {"artist_id": artist_id, "kind": "eps_singles", "limit": 100}
            )
        ).structured_content
        similar = (await client.call_tool("tidal_get_similar_artists", {"artist_id": artist_id})).structured_content
        radio = (
            await client.call_tool("tidal_get_artist_radio", {"artist_id": artist_id, "limit": 100})
        ).structured_content
        bio = (await client.call_tool("tidal_get_artist_bio", {"artist_id": artist_id})).structured_content
    assert [a["id"] for a in albums["items"]] == [
        a["id"] for a in raw(tidal, f"artists/{artist_id}/albums", limit=100)["items"]
    ]
    assert [a["id"] for a in singles["items"]] == [
        a["id"] for a in raw(tidal, f"artists/{artist_id}/albums", filter="EPSANDSINGLES", limit=100)["items"]
    ]
    similar_raw = tidal.request.request("GET", f"artists/{artist_id}/similar")
    expected = [a["id"] for a in similar_raw.json()["items"]] if similar_raw.ok else []
    assert [a["id"] for a in similar["items"]] == expected
    assert [t["id"] for t in radio["items"]] == [
        t["id"] for t in raw(tidal, f"artists/{artist_id}/radio", limit=100)["items"]
    ]
    assert bio["text"] and "[wimpLink" not in bio["text"]


async def test_album_reads_and_bad_ids(stack, control, tidal):
    album_id = control.get("catalog")["album_ids"][4]
    async with Client(stack.mcp_url) as client:
        review = await client.call_tool("tidal_get_album_review", {"album_id": album_id})
        similar = (await client.call_tool("tidal_get_similar_albums", {"album_id": album_id})).structured_content
        no_album = await client.call_tool("tidal_get_similar_albums", {"album_id": 999_999_999})
        no_track = await client.call_tool("tidal_get_track_radio", {"track_id": 999_999_999})
        bad_kind = await client.call_tool("tidal_get_artist_albums", {"artist_id": 1, "kind": "bootlegs"})
        bad_page = await client.call_tool("tidal_get_track_radio", {"track_id": 1, "limit": 1000})
    review_raw = tidal.request.request("GET", f"albums/{album_id}/review")
    if review_raw.ok:
        assert not review.is_error and review.structured_content["text"]
    else:
        assert review.is_error and "no album review" in review.content[0].text
    similar_raw = tidal.request.request("GET", f"albums/{album_id}/similar")
    assert [a["id"] for a in similar["items"]] == (
        [a["id"] for a in similar_raw.json()["items"]] if similar_raw.ok else []
    )
    assert no_album.is_error and "999999999" in no_album.content[0].text
    assert no_track.is_error and "999999999" in no_track.content[0].text
    assert bad_kind.is_error and "eps_singles" in bad_kind.content[0].text
    assert bad_page.is_error and "100" in bad_page.content[0].text


async def test_a_mix_comes_whole_and_paged_and_a_video_reads(stack, control, tidal):
    catalog = control.get("catalog")
    mix_id, video_id = catalog["personal_mix_ids"][0], catalog["video_ids"][0]
    expected = raw(tidal, f"mixes/{mix_id}/items", limit=100)["items"]
    async with Client(stack.mcp_url) as client:
        pages, offset = [], 0
        while offset is not None:
            page = (
                await client.call_tool("tidal_get_mix", {"mix_id": mix_id, "offset": offset, "limit": 10})
            ).structured_content
            pages.append(page)
            offset = page["next_offset"]
        video = (await client.call_tool("tidal_get_video", {"video_id": video_id})).structured_content
        no_mix = await client.call_tool("tidal_get_mix", {"mix_id": "ffffffffffffffffffffffffffffff"})
    assert [t["id"] for p in pages for t in p["items"]] == [e["item"]["id"] for e in expected if e["type"] == "track"]
    assert [v["id"] for v in pages[0]["videos"]] == [e["item"]["id"] for e in expected if e["type"] == "video"]
    video_raw = raw(tidal, f"videos/{video_id}")
    assert (video["title"], video["duration_s"], video["quality"]) == (
        video_raw["title"],
        video_raw["duration"],
        video_raw["quality"],
    )
    assert no_mix.is_error and "no mix" in no_mix.content[0].text


def _credits(groups):  # type: ignore[no-untyped-def]
    return [(g["type"], [c["name"] for c in g["contributors"]]) for g in groups]


async def test_credits_match_tidal_and_wrong_kinds_are_refused(stack, control, tidal):
    catalog = control.get("catalog")
    track_id, album_id = catalog["track_ids"][7], catalog["album_ids"][2]
    items = raw(tidal, f"albums/{album_id}/items/credits", limit=100)["items"]
    async with Client(stack.mcp_url) as client:
        track = (await client.call_tool("tidal_get_track_credits", {"track_id": track_id})).structured_content
        first = (
            await client.call_tool("tidal_get_album_credits", {"album_id": album_id, "limit": 2})
        ).structured_content
        rest = (
            await client.call_tool("tidal_get_album_credits", {"album_id": album_id, "offset": 2, "limit": 100})
        ).structured_content
        album_as_track = await client.call_tool("tidal_get_track_credits", {"track_id": album_id})
        unknown = await client.call_tool("tidal_get_album_credits", {"album_id": 999_999_999})
    assert [(c["role"], c["names"]) for c in track["credits"]] == _credits(raw(tidal, f"tracks/{track_id}/credits"))
    assert [(c["role"], c["names"]) for c in first["credits"]] == _credits(raw(tidal, f"albums/{album_id}/credits"))
    assert first["credits"][0]["artist_ids"], "primary artists carry their TIDAL ids"
    rows = first["items"] + rest["items"]
    assert [(r["track_id"], [(c["role"], c["names"]) for c in r["credits"]]) for r in rows] == [
        (i["item"]["id"], _credits(i["credits"])) for i in items
    ]
    assert first["total"] == len(items) and first["next_offset"] == 2 and rest["has_more"] is False
    assert album_as_track.is_error and f"no track credits with id {album_id}" in album_as_track.content[0].text
    assert unknown.is_error and "999999999" in unknown.content[0].text


async def test_top_tracks_videos_and_album_pages_match_tidal(stack, control, tidal):
    catalog = control.get("catalog")
    artist_id = catalog["artist_ids"][0]
    album_id = max(catalog["album_ids"][:50], key=lambda a: raw(tidal, f"albums/{a}")["numberOfTracks"])
    expected_top = [t["id"] for t in raw(tidal, f"artists/{artist_id}/toptracks", limit=300)["items"]]
    expected_videos = [v["id"] for v in raw(tidal, f"artists/{artist_id}/videos", limit=100)["items"]]
    expected_tracks = [t["id"] for t in raw(tidal, f"albums/{album_id}/tracks", limit=100)["items"]]
    async with Client(stack.mcp_url) as client:
        top, offset = [], 0
        while offset is not None:
            page = (
                await client.call_tool(
                    "tidal_get_artist_top_tracks", {"artist_id": artist_id, "offset": offset, "limit": 7}
                )
            ).structured_content
            top += [t["id"] for t in page["items"]]
            offset = page["next_offset"]
        videos = (
            await client.call_tool("tidal_get_artist_videos", {"artist_id": artist_id, "limit": 100})
        ).structured_content
        album = (
            await client.call_tool("tidal_get_album", {"album_id": album_id, "offset": 1, "limit": 2})
        ).structured_content
        beyond = (await client.call_tool("tidal_get_album", {"album_id": album_id, "offset": 500})).structured_content
    assert top == expected_top[:300] and len(top) > 7
    assert [v["id"] for v in videos["items"]] == expected_videos and videos["total"] == len(expected_videos)
    assert [t["id"] for t in album["tracks"]] == expected_tracks[1:3]
    assert album["tracks_total"] == len(expected_tracks) and album["next_offset"] == 3
    assert beyond["tracks"] == [] and beyond["has_more"] is False and beyond["tracks_total"] == len(expected_tracks)
