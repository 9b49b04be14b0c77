"""Discovery pages, genres, moods, user profiles and recommendations, through a real front, workers and
the emulator; each compared with what the emulator itself answers."""

from __future__ import annotations

import asyncio
import json

import pytest
from mcp import Client

from shared.redis_conn import connect
from tests.fake_tidal.client import Control, logged_in_session
from tests.support.stack import shared_stack

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with shared_stack(
        tmp_path_factory.mktemp("discovery"),
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


def raw(tidal, path: str, base: str | None = None, **params):  # type: ignore[no-untyped-def]
    return tidal.request.request("GET", path, base_url=base, params=params or None).json()


def every(tidal, path: str, page: int = 50):  # type: ignore[no-untyped-def]
    items, offset = [], 0
    while True:
        body = raw(tidal, path, limit=page, offset=offset)
        items += body["items"]
        offset += page
        if offset >= body["totalNumberOfItems"]:
            return items


async def walk(client, tool: str, args: dict, limit: int = 20) -> list[dict]:  # type: ignore[no-untyped-def]
    """Every item of a paged tool answer, following ``next_offset``."""
    items, offset = [], 0
    while offset is not None:
        page = (await client.call_tool(tool, {**args, "offset": offset, "limit": limit})).structured_content
        items += page["items"]
        offset = page["next_offset"]
    return items


def _v1_rows(body):  # type: ignore[no-untyped-def]
    """(module title, id) of every list item of a v1 page, as the oracle reads the raw JSON."""
    found = []
    for row in body["rows"]:
        module = row["modules"][0]
        for item in (module.get("pagedList") or {}).get("items") or []:
            inner = item.get("item", item)
            found.append((module.get("title") or "", str(inner.get("id") or inner.get("uuid"))))
    return found


async def test_pages_come_as_plain_rows_that_match_tidal(stack, control, tidal):
    catalog = control.get("catalog")
    async with Client(stack.mcp_url) as client:
        for_you = await walk(client, "tidal_get_page", {"page": "for_you"})
        mixes = (await client.call_tool("tidal_get_page", {"page": "my_mixes", "limit": 100})).structured_content
        home = (await client.call_tool("tidal_get_page", {"page": "home", "limit": 100})).structured_content
        hires = await walk(client, "tidal_get_page", {"page": "hires"}, limit=100)
        explore = await walk(client, "tidal_get_page", {"page": "explore"}, limit=100)
        only = (
            await client.call_tool("tidal_get_page", {"page": "home", "module": home["modules"][2]})
        ).structured_content
        no_row = await client.call_tool("tidal_get_page", {"page": "home", "module": "Nothing like it"})
        no_page = await client.call_tool("tidal_get_page", {"page": "frontpage"})
    assert [(r["module"], r["id"]) for r in for_you] == _v1_rows(raw(tidal, "pages/for_you", deviceType="BROWSER"))
    assert [(r["module"], r["id"]) for r in hires] == _v1_rows(raw(tidal, "pages/hires", deviceType="BROWSER"))
    assert [r["id"] for r in mixes["items"]] == catalog["personal_mix_ids"]
    assert {r["kind"] for r in mixes["items"]} == {"mix"} and all(r["name"] for r in mixes["items"])
    feed = raw(tidal, "home/feed/static", base=tidal.config.api_v2_location, deviceType="BROWSER")
    assert home["modules"] == [m["title"] for m in feed["items"]]
    assert [(r["module"], r["kind"], r["id"]) for r in home["items"]] == [
        (m["title"], i["type"].lower(), str(i["data"].get("id") or i["data"].get("uuid")))
        for m in feed["items"]
        for i in m["items"]
    ]
    tracks = [r for r in home["items"] if r["kind"] == "track"]
    assert tracks and all(r["artists"] for r in tracks)
    assert only["items"] and {r["module"] for r in only["items"]} == {home["modules"][2]}
    assert {r["id"] for r in explore if r["kind"] == "genre"} == {p.lower() for p in catalog["genre_paths"]}
    assert {r["id"] for r in explore if r["kind"] == "mood"} == set(catalog["mood_paths"])
    assert no_row.is_error and "no row titled 'Nothing like it'" in no_row.content[0].text
    assert no_page.is_error and "for_you" in no_page.content[0].text


async def test_genres_and_moods_list_and_open(stack, control, tidal):
    catalog = control.get("catalog")
    async with Client(stack.mcp_url) as client:
        genres = (await client.call_tool("tidal_list_genres", {})).structured_content
        moods = (await client.call_tool("tidal_list_moods", {})).structured_content
        genre = genres["items"][0]["path"]
        albums = await walk(client, "tidal_get_genre_items", {"path": genre, "kind": "albums"})
        tracks = await walk(client, "tidal_get_genre_items", {"path": genre, "kind": "tracks"}, limit=100)
        mood = moods["items"][0]["path"]
        mood_lists = await walk(client, "tidal_get_mood_playlists", {"path": mood})
        unknown = await client.call_tool("tidal_get_genre_items", {"path": "Polka-Metal", "kind": "albums"})
        unknown_mood = await client.call_tool("tidal_get_mood_playlists", {"path": "sulking"})
        bad_path = await client.call_tool("tidal_get_genre_items", {"path": "../pages/home"})
    assert [g["path"] for g in genres["items"]] == catalog["genre_paths"]
    assert [m["path"] for m in moods["items"]] == catalog["mood_paths"]
    assert "albums" in genres["items"][0]["has"] and moods["items"][0]["has"] == ["playlists"]
    assert [r["id"] for r in albums] == [str(a["id"]) for a in every(tidal, f"genres/{genre}/albums")]
    assert {r["kind"] for r in albums} == {"album"} and all(r["artists"] for r in albums)
    assert [r["id"] for r in tracks] == [str(t["id"]) for t in every(tidal, f"genres/{genre}/tracks")][:500]
    assert [r["id"] for r in mood_lists] == [p["uuid"] for p in every(tidal, f"moods/{mood}/playlists")]
    assert unknown.is_error and "no genre 'Polka-Metal'" in unknown.content[0].text
    assert "tidal_list_genres" in unknown.content[0].text
    assert unknown_mood.is_error and "tidal_list_moods" in unknown_mood.content[0].text
    assert bad_path.is_error and "path" in bad_path.content[0].text


async def test_user_profiles_and_public_playlists(stack, control, tidal):
    catalog = control.get("catalog")
    other = catalog["other_user_ids"][0]
    async with Client(stack.mcp_url) as client:
        me = (await client.call_tool("tidal_get_user", {})).structured_content
        them = (await client.call_tool("tidal_get_user", {"user_id": other})).structured_content
        public = await walk(client, "tidal_get_user_playlists", {"user_id": other}, limit=3)
        mine = (await client.call_tool("tidal_get_user_playlists", {})).structured_content
        nobody = await client.call_tool("tidal_get_user", {"user_id": 424242424})
        negative = await client.call_tool("tidal_get_user_playlists", {"user_id": -1})
    me_raw = raw(tidal, f"users/{catalog['user_id']}")
    assert (me["id"], me["username"], me["is_me"]) == (catalog["user_id"], me_raw["username"], True)
    assert "email" not in me
    them_raw = raw(tidal, f"users/{other}")
    assert (them["name"], them["is_me"], them["username"]) == (
        f"{them_raw['firstName']} {them_raw['lastName']}",
        False,
        None,
    )
    v2 = tidal.config.api_v2_location
    expected, offset = [], 0
    while True:
        body = raw(tidal, f"user-playlists/{other}/public", base=v2, limit=50, offset=offset)
        expected += [i["playlist"]["uuid"] for i in body["items"]]
        offset += 50
        if offset >= body["totalNumberOfItems"]:
            break
    assert [p["uuid"] for p in public] == expected and expected
    assert mine["user_id"] == catalog["user_id"]
    assert nobody.is_error and "424242424" in nobody.content[0].text
    assert negative.is_error


def _radio(tidal, kind: str, ident: int) -> list[dict]:  # type: ignore[no-untyped-def]
    return raw(tidal, f"{kind}s/{ident}/radio", limit=100)["items"]


async def test_recommendations_merge_seed_radios_with_their_sources_and_filters(stack, control, tidal):
    catalog = control.get("catalog")
    track_seeds = catalog["track_ids"][10:12]
    artist_seed = catalog["artist_ids"][5]
    radios = {f"track:{t}": _radio(tidal, "track", t) for t in track_seeds}
    radios[f"artist:{artist_seed}"] = _radio(tidal, "artist", artist_seed)
    holders: dict[int, set[str]] = {}
    for seed, tracks in radios.items():
        for t in tracks:
            holders.setdefault(t["id"], set()).add(seed)
    playlist = catalog["user_playlist_uuids"][0]
    args = {"seed_track_ids": track_seeds, "seed_artist_ids": [artist_seed], "limit": 100}
    async with Client(stack.mcp_url) as client:
        everything = (await client.call_tool("tidal_recommend_tracks", args)).structured_content
        filtered = (
            await client.call_tool(
                "tidal_recommend_tracks",
                {
                    **args,
                    "explicit": False,
                    "max_per_artist": 2,
                    "min_duration_s": 150,
                    "year_from": 2000,
                    "exclude_favorites": True,
                    "exclude_playlist_id": playlist,
                },
            )
        ).structured_content
        too_many = await client.call_tool("tidal_recommend_tracks", {"seed_track_ids": catalog["track_ids"][:11]})
        none = await client.call_tool("tidal_recommend_tracks", {})
        empty_range = await client.call_tool(
            "tidal_recommend_tracks", {"seed_track_ids": track_seeds, "year_from": 2010, "year_to": 2000}
        )
        bad_seed = (
            await client.call_tool("tidal_recommend_tracks", {"seed_track_ids": [track_seeds[0], 999_999_999]})
        ).structured_content
    ids = [t["id"] for t in everything["items"]]
    available = {i for i, _ in holders.items()} - set(track_seeds)
    assert len(ids) == len(set(ids)) and set(ids) <= available
    assert everything["considered"] == len(holders)
    assert all(set(t["seeds"]) == holders[t["id"]] for t in everything["items"])
    counts = [len(t["seeds"]) for t in everything["items"]]
    assert counts == sorted(counts, reverse=True) and counts[0] > 1, "tracks several seeds share come first"
    favorites = {f["item"]["id"] for f in every(tidal, f"users/{catalog['user_id']}/favorites/tracks", page=100)}
    in_playlist = {t["id"] for t in raw(tidal, f"playlists/{playlist}/tracks", limit=100)["items"]}
    per_artist: dict[int, int] = {}
    for t in filtered["items"]:
        assert not t["explicit"] and t["duration_s"] >= 150 and int(t["stream_start_date"][:4]) >= 2000
        assert t["id"] not in favorites | in_playlist
        per_artist[t["artists"][0]["id"]] = per_artist.get(t["artists"][0]["id"], 0) + 1
    assert filtered["items"] and max(per_artist.values()) <= 2
    for answer in (everything, filtered):  # every track considered is either kept or counted under one filter
        assert answer["total"] + sum(answer["excluded"].values()) == answer["considered"]
    assert too_many.is_error and "at most 10 items" in too_many.content[0].text
    assert none.is_error and "got 0" in none.content[0].text
    assert empty_range.is_error and "2010 is after 2000" in empty_range.content[0].text
    assert [f["seed"] for f in bad_seed["failed_seeds"]] == ["track:999999999"] and bad_seed["items"]


async def test_recommendations_leave_out_favorites_and_a_playlists_tracks(stack, control):
    catalog = control.get("catalog")
    args = {"seed_track_ids": catalog["track_ids"][20:22], "limit": 100}
    playlist = catalog["user_playlist_uuids"][0]
    async with Client(stack.mcp_url) as client:
        before = (await client.call_tool("tidal_recommend_tracks", args)).structured_content
        liked, listed = before["items"][0]["id"], before["items"][1]["id"]
        added = await client.call_tool("tidal_add_favorites", {"kind": "tracks", "ids": [str(liked)]})
        put = await client.call_tool("tidal_add_tracks", {"playlist_id": playlist, "track_ids": [listed]})
        assert not added.is_error and not put.is_error
        no_favorites = (
            await client.call_tool("tidal_recommend_tracks", {**args, "exclude_favorites": True})
        ).structured_content
        not_listed = (
            await client.call_tool("tidal_recommend_tracks", {**args, "exclude_playlist_id": playlist})
        ).structured_content
        no_such_playlist = await client.call_tool(
            "tidal_recommend_tracks", {**args, "exclude_playlist_id": "00000000-0000-4000-8000-000000000000"}
        )
    assert liked not in [t["id"] for t in no_favorites["items"]] and listed in [t["id"] for t in no_favorites["items"]]
    assert listed not in [t["id"] for t in not_listed["items"]] and liked in [t["id"] for t in not_listed["items"]]
    assert no_favorites["excluded"]["excluded_track"] >= 1 and not_listed["excluded"]["excluded_track"] >= 1
    assert no_such_playlist.is_error and "00000000-0000-4000-8000-000000000000" in no_such_playlist.content[0].text


async def test_every_single_id_read_says_which_id_tidal_does_not_have(stack, control):
    """Bad input across the surface: each read whose one required argument is a numeric id, given one TIDAL
    lacks, answers a tool error naming that id (and the front keeps serving)."""
    unknown = 999_999_937
    async with Client(stack.mcp_url) as client:
        tools = (await client.list_tools()).tools
        checked = []
        for tool in tools:
            schema = tool.input_schema
            required = schema.get("required") or []
            if (
                len(required) != 1
                or not required[0].endswith("_id")
                or not tool.annotations.read_only_hint
                or schema["properties"][required[0]].get("type") != "integer"
            ):
                continue
            answer = await client.call_tool(tool.name, {required[0]: unknown})
            assert answer.is_error and str(unknown) in answer.content[0].text, (tool.name, answer.content)
            checked.append(tool.name)
        assert not (await client.call_tool("tidal_get_user", {})).is_error
    assert {
        "tidal_get_track_credits",
        "tidal_get_album_credits",
        "tidal_get_artist_top_tracks",
        "tidal_get_artist_videos",
        "tidal_get_track",
        "tidal_get_video",
    } <= set(checked)


async def test_show_more_links_and_page_paths_open(stack, control, tidal):
    artist_id = control.get("catalog")["artist_ids"][1]
    async with Client(stack.mcp_url) as client:
        hires = (await client.call_tool("tidal_get_page", {"page": "hires", "limit": 100})).structured_content
        module, path = next(iter(hires["more"].items()))
        whole = await walk(client, "tidal_open_page", {"path": path}, limit=40)
        artist = (
            await client.call_tool("tidal_open_page", {"path": f"pages/artist?artistId={artist_id}", "limit": 100})
        ).structured_content
        genres = (await client.call_tool("tidal_get_page", {"page": "genres", "limit": 100})).structured_content
        missing = await client.call_tool("tidal_open_page", {"path": "pages/nothing_here"})
        sneaky = await client.call_tool("tidal_open_page", {"path": "pages/../v1/users/1"})
    shown = [r["id"] for r in hires["items"] if r["module"] == module]
    assert [r["id"] for r in whole] == [
        str(i["id"]) for i in raw(tidal, path, deviceType="BROWSER")["rows"][0]["modules"][0]["pagedList"]["items"]
    ]
    assert len(whole) > len(shown) and [r["id"] for r in whole][: len(shown)] == shown
    assert artist["items"] and any(r["kind"] == "album" for r in artist["items"])
    assert genres["items"] and {r["kind"] for r in genres["items"]} == {"genre"}
    assert missing.is_error and "pages/nothing_here" in missing.content[0].text
    assert sneaky.is_error and "pattern" in sneaky.content[0].text


async def test_an_operator_pause_holds_tidal_reads_the_cache_still_answers_and_resume_runs_them(stack, control):
    from tests.support.processes import Proc, tidal_mcp, wait_until

    def cli(*args: str) -> tuple[int, str]:
        proc = Proc(f"cli-{args[0]}", tidal_mcp(*args), stack.env, stack.front.stdout_path.parent)
        code = proc.popen.wait(60)
        proc.stop()
        return code, proc.stdout_path.read_text()

    cached, fresh_id = control.get("catalog")["track_ids"][40:42]
    redis_client = connect(stack.redis_url)
    async with Client(stack.mcp_url) as client:
        assert not (await client.call_tool("tidal_get_track", {"track_id": cached})).is_error
        try:
            code, out = cli("pause", "--reason", "maintenance", "--json")
            assert code == 0 and json.loads(out)["paused"]["reason"] == "maintenance"
            status_code, status = cli("status", "--json")
            assert status_code == 1 and json.loads(status)["paused"]["reason"] == "maintenance"
            before = control.get("counters")["total"]
            hit = await client.call_tool("tidal_get_track", {"track_id": cached})
            assert not hit.is_error
            waiting = asyncio.ensure_future(client.call_tool("tidal_get_track", {"track_id": fresh_id}))
            await asyncio.to_thread(
                wait_until, lambda: redis_client.llen("rq:queue:tidal-read") >= 1, 15, "the call was not queued"
            )
            assert not waiting.done() and control.get("counters")["total"] == before, "nothing reaches TIDAL"
        finally:
            code, out = cli("resume")
        assert code == 0 and "resumed" in out
        answer = await waiting
    assert not answer.is_error and answer.structured_content["id"] == fresh_id
