"""Playlist, folder and favorites writes over the real path (dispatcher -> Redis -> worker -> emulator).

Every assertion compares with what the emulator holds afterwards (``/_control/snapshot``), item by
item, and with the cache a later read goes through. The stack (Redis, emulator, two workers) is
shared by the module; each test starts from the seeded catalog and empty caches.
"""

from __future__ import annotations

import asyncio

import pytest

from shared import snapshots
from shared.errors import InvalidRequest, NotFound
from tests.fake_tidal.client import Control
from tests.support.stack import front, shared_stack

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    # the budget's slow start is not under test here (bench/ and tests/chaos/ measure it)
    with shared_stack(
        tmp_path_factory.mktemp("writes"),
        workers=2,
        TIDAL_MCP_RATE_START="200",
        TIDAL_MCP_RATE_LIMIT="200",
        TIDAL_MCP_RATE_BURST="50",
    ) as stack:
        yield stack


@pytest.fixture
def pool(stack):
    stack.fresh()
    return stack.pool


@pytest.fixture
def control(stack) -> Control:
    return stack.control


@pytest.fixture
def catalog(control) -> dict:
    return control.get("catalog")


@pytest.fixture
async def tidal(stack, pool):
    async with front(stack.redis_url) as dispatcher:
        yield dispatcher


def tracks_of(control, uuid: str) -> list[int]:
    return control.get(f"snapshot/playlist/{uuid}")["trackIds"]


def other_tracks(catalog, control, uuid: str, count: int, start: int = 500) -> list[int]:
    """``count`` licensed catalog tracks not in the playlist."""
    present = set(tracks_of(control, uuid))
    unavailable = set(catalog["unavailable_track_ids"])
    return [t for t in catalog["track_ids"][start:] if t not in present and t not in unavailable][:count]


async def test_add_skips_duplicates_reports_refused_and_reads_back(pool, tidal, control, catalog):
    uuid = catalog["user_playlist_uuids"][1]
    before = tracks_of(control, uuid)
    playlist, _ = await tidal.call("playlist.get", {"playlist_id": uuid})  # cached now
    new = other_tracks(catalog, control, uuid, 3)
    refused = catalog["unavailable_track_ids"][0]
    asked = [before[0], *new, new[0], refused]

    change, _ = await tidal.call("playlist.add", {"playlist_id": uuid, "track_ids": asked})

    assert [p["track_id"] for p in change["added"]] == new
    assert [p["position"] for p in change["added"]] == list(range(len(before), len(before) + 3))
    assert change["skipped_duplicates"] == [before[0], new[0]]
    assert change["refused"] == [refused]
    assert tracks_of(control, uuid) == before + new
    again, source = await tidal.call("playlist.get", {"playlist_id": uuid})
    assert source == "tidal"  # the write dropped the cached copy: read-your-writes
    assert [t["id"] for t in again["tracks"]] == before + new
    assert len(playlist["tracks"]) == len(before)


async def test_add_at_position_and_with_duplicates(pool, tidal, control, catalog):
    uuid = catalog["user_playlist_uuids"][1]
    before = tracks_of(control, uuid)
    new = other_tracks(catalog, control, uuid, 2)
    change, _ = await tidal.call(
        "playlist.add",
        {"playlist_id": uuid, "track_ids": [new[0], before[2], new[1]], "position": 2, "allow_duplicates": True},
    )
    assert tracks_of(control, uuid) == [*before[:2], new[0], before[2], new[1], *before[2:]]
    assert [(p["track_id"], p["position"]) for p in change["added"]] == [(new[0], 2), (before[2], 3), (new[1], 4)]


async def test_dry_runs_change_nothing(pool, tidal, control, catalog):
    uuid = catalog["user_playlist_uuids"][1]
    before = tracks_of(control, uuid)
    removal, _ = await tidal.call("playlist.remove", {"playlist_id": uuid, "indices": [0, 3], "dry_run": True})
    cleared, _ = await tidal.call("playlist.clear", {"playlist_id": uuid, "dry_run": True})
    moved, _ = await tidal.call("playlist.move", {"playlist_id": uuid, "indices": [0], "to_index": 3, "dry_run": True})
    assert [(p["track_id"], p["position"]) for p in removal["removed"]] == [(before[0], 0), (before[3], 3)]
    assert len(cleared["removed"]) == len(before) and cleared["track_count_after"] == 0
    assert [(p["track_id"], p["position"]) for p in moved["moved"]] == [(before[0], 2)]
    assert tracks_of(control, uuid) == before
    assert await snapshots.recent(tidal.dispatcher.client) == (0, [])


async def test_remove_by_index_move_and_clear_then_restore(pool, tidal, control, catalog):
    uuid = catalog["user_playlist_uuids"][1]
    before = tracks_of(control, uuid)

    removal, _ = await tidal.call("playlist.remove", {"playlist_id": uuid, "indices": [1, 4]})
    expected = [t for i, t in enumerate(before) if i not in (1, 4)]
    assert tracks_of(control, uuid) == expected
    assert removal["snapshot_id"]

    moved, _ = await tidal.call("playlist.move", {"playlist_id": uuid, "indices": [0, 1], "to_index": 4})
    expected = [*expected[2:4], *expected[:2], *expected[4:]]
    assert tracks_of(control, uuid) == expected
    assert [p["position"] for p in moved["moved"]] == [2, 3]

    cleared, _ = await tidal.call("playlist.clear", {"playlist_id": uuid})
    assert tracks_of(control, uuid) == []
    restored, _ = await tidal.call("playlist.restore", {"snapshot_id": cleared["snapshot_id"]})
    assert restored["playlist_id"] == uuid
    assert tracks_of(control, uuid) == expected
    restored, _ = await tidal.call("playlist.restore", {"snapshot_id": removal["snapshot_id"]})
    assert tracks_of(control, uuid) == before


async def test_delete_keeps_a_snapshot_and_restore_recreates(pool, tidal, control, catalog):
    uuid = catalog["user_playlist_uuids"][1]
    before = control.get(f"snapshot/playlist/{uuid}")
    preview, _ = await tidal.call("playlist.delete", {"playlist_ids": [uuid], "dry_run": True})
    assert preview["deleted"] == [uuid] and preview["snapshot_ids"] == []
    deleted, _ = await tidal.call("playlist.delete", {"playlist_ids": [uuid]})
    assert deleted["deleted"] == [uuid]
    with pytest.raises(NotFound):
        await tidal.call("playlist.get", {"playlist_id": uuid})

    restored, _ = await tidal.call("playlist.restore", {"snapshot_id": deleted["snapshot_ids"][0]})
    new = control.get(f"snapshot/playlist/{restored['playlist_id']}")
    assert restored["playlist_id"] != uuid
    assert (new["title"], new["description"], new["trackIds"]) == (
        before["title"],
        before["description"],
        before["trackIds"],
    )


async def test_someone_elses_playlist_is_refused_and_bad_indices_are_explained(pool, tidal, control, catalog):
    foreign = next(u for u in catalog["playlist_uuids"] if u not in catalog["user_playlist_uuids"])
    before = tracks_of(control, foreign)
    with pytest.raises(InvalidRequest, match="belongs to someone else"):
        await tidal.call("playlist.add", {"playlist_id": foreign, "track_ids": [catalog["track_ids"][0]]})
    mine = catalog["user_playlist_uuids"][1]
    size = len(tracks_of(control, mine))
    with pytest.raises(InvalidRequest, match=f"Index {size + 5} is out of range"):
        await tidal.call("playlist.remove", {"playlist_id": mine, "indices": [0, size + 5]})
    with pytest.raises(NotFound, match="no playlist"):
        await tidal.call("playlist.clear", {"playlist_id": "00000000-0000-4000-8000-000000000000"})
    assert tracks_of(control, foreign) == before
    assert len(tracks_of(control, mine)) == size


async def test_two_concurrent_adders_both_land_once(pool, tidal, control, catalog):
    uuid = catalog["user_playlist_uuids"][2]
    before = tracks_of(control, uuid)
    new = other_tracks(catalog, control, uuid, 240)
    first, second = new[:130], new[110:]  # 20 tracks in both requests
    await asyncio.gather(
        tidal.call("playlist.add", {"playlist_id": uuid, "track_ids": first}),
        tidal.call("playlist.add", {"playlist_id": uuid, "track_ids": second}),
    )
    after = tracks_of(control, uuid)
    assert after[: len(before)] == before
    assert sorted(after[len(before) :]) == sorted(new)  # each once, none lost


async def test_create_copy_and_merge(pool, tidal, control, catalog):
    source = catalog["user_playlist_uuids"][1]
    source_tracks = tracks_of(control, source)
    isrc = control.get(f"snapshot/track/{catalog['track_ids'][900]}")["isrc"]
    created, _ = await tidal.call(
        "playlist.create",
        {
            "title": "Road trip",
            "description": "made by a test",
            "track_ids": source_tracks[:3],
            "isrcs": [isrc, "USXXX9999999"],
        },
    )
    uuid = created["playlist_id"]
    assert tracks_of(control, uuid) == [*source_tracks[:3], catalog["track_ids"][900]]
    assert created["change"]["not_found"] == ["USXXX9999999"]

    merged, _ = await tidal.call("playlist.merge", {"source_playlist_id": source, "target_playlist_id": uuid})
    assert tracks_of(control, uuid) == [*source_tracks[:3], catalog["track_ids"][900], *source_tracks[3:]]
    assert merged["skipped_duplicates"] == source_tracks[:3] and merged["snapshot_id"]

    copied, _ = await tidal.call("playlist.copy", {"playlist_id": source})
    assert tracks_of(control, copied["playlist_id"]) == source_tracks
    assert copied["title"].endswith("(copy)")
    library, _ = await tidal.call("playlists.library", {})
    titles = {p["uuid"]: p["title"] for p in library["playlists"]}
    assert titles[uuid] == "Road trip" and copied["playlist_id"] in titles


async def test_folders_and_library_listing(pool, tidal, control, catalog):
    library, _ = await tidal.call("playlists.library", {})
    paths = {f["path"] for f in library["folders"]}
    assert {"Archive", "Archive/2019"} <= paths
    uuid = catalog["user_playlist_uuids"][0]
    made, _ = await tidal.call("folder.create", {"name": "Road trips", "playlist_ids": [uuid]})
    library, source = await tidal.call("playlists.library", {})
    assert source == "tidal"
    placed = next(p for p in library["playlists"] if p["uuid"] == uuid)
    assert (placed["folder_id"], placed["folder_path"]) == (made["folder_id"], "Road trips")

    await tidal.call("folder.rename", {"folder_id": made["folder_id"], "name": "Trips"})
    preview, _ = await tidal.call("folder.delete", {"folder_id": made["folder_id"], "dry_run": True})
    assert preview["deleted_playlists"] == [uuid]
    await tidal.call("folder.move", {"playlist_ids": [uuid]})  # back to the top level
    gone, _ = await tidal.call("folder.delete", {"folder_id": made["folder_id"]})
    assert gone["deleted_playlists"] == []
    library, _ = await tidal.call("playlists.library", {})
    assert uuid in {p["uuid"] for p in library["playlists"]}
    assert "Trips" not in {f["name"] for f in library["folders"]}


async def test_favorites_add_list_remove(pool, tidal, catalog):
    listing, _ = await tidal.call("favorites.list", {"kind": "albums", "order": "newest"})
    present = [f["id"] for f in listing["items"]]
    new = [str(a) for a in catalog["album_ids"][100:103] if str(a) not in present]
    added, _ = await tidal.call("favorites.add", {"kind": "albums", "ids": [*new, present[0], "999999999"]})
    assert added["added"] == new and added["unchanged"] == [present[0]] and added["not_found"] == ["999999999"]
    listing, source = await tidal.call("favorites.list", {"kind": "albums", "order": "newest"})
    assert source == "tidal" and set(new) <= {f["id"] for f in listing["items"]}
    removed, _ = await tidal.call("favorites.remove", {"kind": "albums", "ids": [new[0], "123"]})
    assert removed["removed"] == [new[0]] and removed["unchanged"] == ["123"]

    mixes, _ = await tidal.call("favorites.list", {"kind": "mixes", "order": "name"})
    names = [m["name"] for m in mixes["items"]]
    assert names == sorted(names, key=str.lower)


async def test_a_write_is_read_back_at_once_even_when_the_front_held_the_playlist_in_memory(
    pool, tidal, control, catalog
):
    uuid = catalog["user_playlist_uuids"][2]
    near = tidal.dispatcher.cache.near
    key = f"tidal:playlist:{uuid}"
    await tidal.call("playlist.get", {"playlist_id": uuid})  # fetched and cached by a worker
    for _ in range(50):  # a read that overlapped the cache write's invalidation is rightly not kept
        await tidal.call("playlist.get", {"playlist_id": uuid})
        if near.get(key) is not None:
            break
    assert near.get(key) is not None, "the front never held the playlist in memory"
    new = other_tracks(catalog, control, uuid, 2)

    await tidal.call("playlist.add", {"playlist_id": uuid, "track_ids": new})

    # the invalidation travels on the connection that delivered the write's result, ahead of it
    assert near.get(key) is None
    again, source = await tidal.call("playlist.get", {"playlist_id": uuid})
    assert source == "tidal"
    assert [t["id"] for t in again["tracks"]][-2:] == new
