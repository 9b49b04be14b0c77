"""Playlist writes through tidalapi: dupes, unavailable tracks, positions, outside edits, others' playlists."""

from __future__ import annotations

import time

import pytest
import requests
import tidalapi
from tidalapi.user import LoggedInUser

from tests.emulator.support import Api, own_playlist_uuid
from tests.support.processes import wait_until


def snapshot_ids(control, key: str) -> list[int]:
    return control.get(f"snapshot/playlist/{key}")["trackIds"]


def test_on_dupes_add_skip_and_fail(session, control, api):
    key = own_playlist_uuid(control, 12)
    playlist = session.playlist(key)
    present = snapshot_ids(control, key)
    assert playlist.add([str(present[0])]) == []  # SKIP
    assert playlist.add([str(present[0])], allow_duplicates=True) == [present[0]]  # ADD
    assert snapshot_ids(control, key).count(present[0]) == 2
    etag = api.call("GET", f"/v1/playlists/{key}").headers["ETag"]
    refused = api.call(
        "POST",
        f"/v1/playlists/{key}/items",
        data={"trackIds": str(present[1]), "onDupes": "FAIL", "onArtifactNotFound": "FAIL"},
        headers={"If-None-Match": etag},
    )
    assert (
        refused.status_code == 409
        and refused.json()["userMessage"] == f"Playlist already contains track [{present[1]}]"
    )
    assert api.call("GET", f"/v1/playlists/{key}").headers["ETag"] == etag  # a refused add changes nothing


@pytest.fixture
def api(emu):
    return Api(emu)


def test_unavailable_and_unknown_tracks(session, control, api):
    key = own_playlist_uuid(control, 0)
    playlist = session.playlist(key)
    catalog = control.get("catalog")
    blocked = catalog["unavailable_track_ids"][0]
    fine = [t for t in catalog["track_ids"] if t not in catalog["unavailable_track_ids"]][:2]
    added = playlist.add([str(fine[0]), str(blocked), "999", str(fine[1])])
    assert added == fine  # the blocked track is skipped silently, the unknown id by onArtifactNotFound=SKIP
    assert snapshot_ids(control, key) == fine
    track = session.track(blocked)
    assert track.allow_streaming is False and track.stream_ready is False
    etag = api.call("GET", f"/v1/playlists/{key}").headers["ETag"]
    failed = api.call(
        "POST",
        f"/v1/playlists/{key}/items",
        data={"trackIds": "999", "onArtifactNotFound": "FAIL"},
        headers={"If-None-Match": etag},
    )
    assert failed.status_code == 404 and failed.json()["subStatus"] == 2001


def test_positions_remove_by_indices_and_move(session, control):
    key = own_playlist_uuid(control, 12)
    playlist = session.playlist(key)
    before = snapshot_ids(control, key)
    new = [t for t in control.get("catalog")["track_ids"] if t not in before][:2]
    assert playlist.add([str(t) for t in new], position=3) == new
    assert snapshot_ids(control, key) == before[:3] + new + before[3:]
    assert playlist.remove_by_indices([0, 3, 4])
    assert snapshot_ids(control, key) == before[1:3] + before[3:]
    assert playlist.move_by_id(str(before[-1]), 0)
    assert snapshot_ids(control, key)[0] == before[-1]
    assert playlist.delete_by_id([str(before[1])])
    assert before[1] not in snapshot_ids(control, key) and playlist.num_tracks == 10


def test_outside_edit_invalidates_the_etag(session, control, emu):
    key = own_playlist_uuid(control, 60)
    playlist = session.playlist(key)
    stale = playlist._etag
    unavailable = control.get("catalog")["unavailable_track_ids"][0]
    edited = control.post(
        f"playlists/{key}", {"remove": [0, 1], "add": [unavailable], "at": 0, "title": "Edited elsewhere"}
    )
    assert edited["etag"] != stale and edited["trackIds"][0] == unavailable and len(edited["trackIds"]) == 59
    with pytest.raises(requests.HTTPError) as info:
        playlist.remove_by_index(5)
    assert info.value.response.status_code == 412
    playlist._reparse()
    assert playlist._etag == edited["etag"] and playlist.name == "Edited elsewhere"
    assert playlist.remove_by_index(5)
    first = playlist.tracks(limit=1)[0]
    assert first.id == unavailable and first.allow_streaming is False  # still listed, not playable
    assert emu.state.playlists[key].etag == playlist._etag
    bad = requests.post(f"{emu.url}/_control/playlists/{key}", json={"remove": [999]}, timeout=10)
    assert bad.status_code == 400 and bad.json()["status"] == 400


def test_someone_elses_playlists_are_read_only(session, emu, api):
    other_uuid, other = next(iter(emu.state.extras.user_playlists.items()))
    read = session.playlist(other_uuid)
    assert type(read) is tidalapi.Playlist and read.creator.id == other.creator_id
    forced = tidalapi.UserPlaylist(session, other_uuid)
    with pytest.raises(requests.HTTPError) as info:
        forced.add([str(next(iter(emu.state.catalog.tracks)))])
    assert info.value.response.status_code == 403
    for method, path in (("POST", f"/v1/playlists/{other_uuid}"), ("DELETE", f"/v1/playlists/{other_uuid}")):
        assert api.call(method, path, data={"title": "x"}).status_code == 403
    assert api.call("PUT", f"/v2/playlists/{other_uuid}/set-private").status_code == 403
    assert other_uuid in emu.state.playlists


def test_public_playlists_of_other_users_and_of_the_user(session, emu, control):
    other_id = next(iter(emu.state.extras.users))
    user = session.get_user(other_id)
    assert type(user).__name__ == "FetchedUser" and user.first_name
    theirs = LoggedInUser.public_playlists(user)  # the 0.8.11 method, run for another user's id
    expected = {k for k, p in emu.state.extras.user_playlists.items() if p.creator_id == other_id}
    assert {p.id for p in theirs} == expected and all(p.public for p in theirs)
    assert session.user.public_playlists() == []
    own = session.playlist(own_playlist_uuid(control, 12))
    assert own.set_playlist_public()
    assert [p.id for p in session.user.public_playlists()] == [own.id]
    assert own.set_playlist_private() and session.user.public_playlists() == []


def test_edit_delete_and_create_round_trip(session, control):
    created = session.user.create_playlist("Draft", "first words")
    assert created.edit(title="Final", description="better words")
    created._reparse()
    assert (created.name, created.description) == ("Final", "better words")
    assert created.delete()
    assert created.id not in control.get("catalog")["playlist_uuids"]


def test_per_path_latency_applies_to_write_routes(session, control, api):
    key = own_playlist_uuid(control, 12)
    playlist = session.playlist(key)
    control.post("faults", {"latency_ms": 400, "path_regex": r"^/v1/playlists/[^/]+/items"})
    started = time.monotonic()
    assert playlist.remove_by_index(0)
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    assert api.call("GET", f"/v1/tracks/{control.get('catalog')['track_ids'][0]}").status_code == 200
    assert time.monotonic() - started < 0.4


@pytest.mark.parametrize(("fault", "applied"), [("latency_ms", False), ("answer_latency_ms", True)])
def test_a_client_that_gives_up_mid_request_loses_it_or_not_by_phase(control, api, fault, applied):
    key = own_playlist_uuid(control, 12)
    before = snapshot_ids(control, key)
    track = next(t for t in control.get("catalog")["track_ids"] if t not in before)
    etag = api.call("GET", f"/v1/playlists/{key}").headers["ETag"]
    control.post("faults", {fault: 3000, "path_regex": r"^/v1/playlists/[^/]+/items"})
    with pytest.raises(requests.Timeout):
        api.call(
            "POST",
            f"/v1/playlists/{key}/items",
            data={"trackIds": str(track), "onDupes": "SKIP"},
            headers={"If-None-Match": etag},
            timeout=0.3,
        )
    # the emulator is still holding the request back: wait until it has answered (or dropped) it
    wait_until(
        lambda: sum(control.get("counters")["statuses"].values()) >= control.get("counters")["total"],
        10,
        "the held-back request never finished",
    )
    assert snapshot_ids(control, key) == ([*before, track] if applied else before)
