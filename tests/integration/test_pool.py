"""The front's dispatcher against a real redis-server and real `tidal-mcp worker` processes.

Every TIDAL call travels the real path: dispatcher -> Redis queue -> worker process with its own
tidalapi session -> emulator -> cache -> dispatcher. Assertions compare with what the emulator
holds and what it counted.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from shared.catalog import OPERATIONS
from shared.errors import JobTimeout, NotFound, NotLoggedIn, NoWorkers
from shared.redis_conn import connect
from shared.tokens import TokenStore
from tests.support.logins import emulator_login
from tests.support.processes import wait_until
from tests.support.stack import front, worker_pool

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


def route_count(control, route: str) -> int:
    return control.get("counters")["routes"].get(route, 0)


@pytest.fixture
def pool(stack_env, logged_in, tmp_path):
    with worker_pool(stack_env, tmp_path / "logs", count=1) as pool:
        yield pool


@pytest.fixture
async def dispatcher(redis_url):
    async with front(redis_url) as dispatcher:
        yield dispatcher


async def test_every_operation_returns_what_the_emulator_holds(pool, dispatcher, control, catalog):
    track_id = catalog["track_ids"][7]
    snap = control.get(f"snapshot/track/{track_id}")
    track, source = await dispatcher.call("track.get", {"track_id": track_id})
    assert source == "tidal"
    assert (track["id"], track["title"], track["isrc"], track["duration_s"]) == (
        snap["id"],
        snap["title"],
        snap["isrc"],
        snap["duration"],
    )
    assert [a["name"] for a in track["artists"]] == [a["name"] for a in snap["artists"]]
    assert track["album"]["id"] == snap["album"]["id"]

    album_id = catalog["album_ids"][3]
    album, _ = await dispatcher.call("album.get", {"album_id": album_id})
    assert [t["id"] for t in album["tracks"]] == control.get(f"snapshot/album/{album_id}")["trackIds"]

    artist_id = catalog["artist_ids"][2]
    artist, _ = await dispatcher.call("artist.get", {"artist_id": artist_id})
    artist_snap = control.get(f"snapshot/artist/{artist_id}")
    assert artist["name"] == artist_snap["name"]
    assert [t["id"] for t in artist["top_tracks"]] == artist_snap["topTrackIds"][: len(artist["top_tracks"])]
    assert artist["top_tracks"] and {a["id"] for a in artist["albums"]} <= set(artist_snap["albumIds"])

    search, _ = await dispatcher.call(
        "search", {"query": snap["title"], "types": ["albums", "tracks"], "limit": 10, "offset": 0}
    )
    assert track_id in [t["id"] for t in search["tracks"]]
    assert search["artists"] == [] and search["playlists"] == []


async def test_a_long_playlist_comes_back_whole_in_order(pool, dispatcher, control, catalog):
    sizes = {u: control.get(f"snapshot/playlist/{u}")["numberOfTracks"] for u in catalog["user_playlist_uuids"]}
    uuid = max(sizes, key=sizes.get)
    assert sizes[uuid] > 100, "the emulator must hold a playlist longer than one page"
    playlist, _ = await dispatcher.call("playlist.get", {"playlist_id": uuid})
    expected = control.get(f"snapshot/playlist/{uuid}")["trackIds"]
    assert [t["id"] for t in playlist["tracks"]] == expected
    assert playlist["number_of_tracks"] == len(expected)
    pages = control.get("counters")["routes"]["GET /v1/playlists/{uuid}/tracks"]
    assert pages == -(-len(expected) // 100)


async def test_a_repeated_call_is_answered_from_the_cache(pool, dispatcher, control, catalog):
    album_id = catalog["album_ids"][0]
    first, source = await dispatcher.call("album.get", {"album_id": album_id})
    before = control.get("counters")["total"]
    again, source_again = await dispatcher.call("album.get", {"album_id": album_id})
    assert (source, source_again) == ("tidal", "cache")
    assert again == first
    assert control.get("counters")["total"] == before
    # the album's tracks were cached too: a track lookup costs TIDAL nothing
    track, track_source = await dispatcher.call("track.get", {"track_id": first["tracks"][0]["id"]})
    assert track_source == "cache" and track == first["tracks"][0]
    assert control.get("counters")["total"] == before


async def test_identical_concurrent_calls_share_one_tidal_request(pool, redis_url, control, catalog):
    control.post("faults", {"latency_ms": 300, "path_regex": "^/v1/tracks/"})
    track_id = catalog["track_ids"][11]
    async with front(redis_url) as first, front(redis_url) as second:  # two fronts share one job
        fronts = [first, second]
        results = await asyncio.gather(*(fronts[i % 2].call("track.get", {"track_id": track_id}) for i in range(20)))
    assert {r[0]["id"] for r in results} == {track_id}
    assert control.get("counters")["paths"][f"GET /v1/tracks/{track_id}"] == 1


async def test_an_unknown_id_is_a_clear_cached_not_found(pool, dispatcher, control):
    with pytest.raises(NotFound, match="no track with id 999"):
        await dispatcher.call("track.get", {"track_id": 999})
    with pytest.raises(NotFound):
        await dispatcher.call("track.get", {"track_id": 999})
    assert control.get("counters")["paths"]["GET /v1/tracks/999"] == 1


async def test_without_a_login_tools_say_log_in_first_then_pick_up_a_new_login(
    stack_env, settings, redis_url, emu, tmp_path, catalog, dispatcher
):
    with worker_pool(stack_env, tmp_path / "logs", count=1):
        with pytest.raises(NotLoggedIn, match="tidal-mcp login"):
            await dispatcher.call("track.get", {"track_id": catalog["track_ids"][0]})
        TokenStore.from_settings(settings, connect(redis_url)).save(emulator_login(emu))
        track, _ = await dispatcher.call("track.get", {"track_id": catalog["track_ids"][0]})
        assert track["id"] == catalog["track_ids"][0]


async def test_no_worker_alive_is_a_fast_clear_error(dispatcher, logged_in):
    started = time.monotonic()
    with pytest.raises(NoWorkers, match="worker"):
        await dispatcher.call("track.get", {"track_id": 1})
    assert time.monotonic() - started < 5


async def test_a_slow_tidal_gives_a_timeout_and_the_result_is_cached_later(pool, redis_url, control, catalog):
    control.post("faults", {"latency_ms": 2500, "path_regex": "^/v1/tracks/"})
    track_id = catalog["track_ids"][20]
    async with front(redis_url, wait_timeout=0.5) as impatient:
        with pytest.raises(JobTimeout, match="[Rr]etry"):
            await impatient.call("track.get", {"track_id": track_id})
    cache = connect(redis_url)
    key = OPERATIONS["track.get"].cache_key({"track_id": track_id})
    wait_until(lambda: cache.exists(key), 15, "the job did not finish and fill the cache")
    async with front(redis_url) as patient:
        _, source = await patient.call("track.get", {"track_id": track_id})
    assert source == "cache"


async def test_the_pool_stays_inside_tidals_rate_limit(stack_env, logged_in, redis_url, control, catalog, tmp_path):
    env = {**stack_env, "TIDAL_MCP_RATE_LIMIT": "4", "TIDAL_MCP_RATE_BURST": "4"}
    with worker_pool(env, tmp_path / "logs", count=2):
        control.post("faults", {"rate_limit": 5})  # TIDAL: 5 requests/s; the pool may use at most 4/s
        control.post("reset")
        ids = catalog["track_ids"][600:624]
        async with front(redis_url, wait_timeout=60) as dispatcher:
            results = await asyncio.gather(*(dispatcher.call("track.get", {"track_id": t}) for t in ids))
        assert sorted(r[0]["id"] for r in results) == sorted(ids)
        # every track was fetched exactly once: no request was refused with 429 and retried
        assert control.get("counters")["routes"]["GET /v1/tracks/{id}"] == len(ids)
