"""The v2 folder tree (``my-collection/playlists/folders``), driven by tidalapi 0.8.11's Folder API."""

from __future__ import annotations

import pytest
import requests
import tidalapi
from tidalapi.exceptions import ObjectNotFound
from tidalapi.playlist import Folder

from tests.emulator.support import Api, own_playlist_uuid, v2
from tests.fake_tidal.client import logged_in_session


def root_folder_names(session: tidalapi.Session) -> list[str]:
    return [f.name for f in session.user.favorites.playlist_folders()]


def test_seeded_nested_folders(session, control):
    folders = session.user.favorites.playlist_folders()
    assert [f.name for f in folders] == ["Archive"]
    archive = folders[0]
    assert archive.trn == f"trn:folder:{archive.id}" and archive.parent is None
    assert archive.total_number_of_items == 1  # the "2019" sub-folder
    nested = session.user.favorites.playlist_folders(parent_folder_id=archive.id)
    assert [f.name for f in nested] == ["2019"] and nested[0].parent == archive.id
    assert sorted(control.get("catalog")["folder_ids"]) == sorted([archive.id, nested[0].id])
    assert session.folder(archive.id).name == "Archive"
    with pytest.raises(ObjectNotFound):
        session.folder("00000000-0000-4000-8000-000000000000")


def test_create_rename_fill_and_remove_a_folder(session, control):
    folder = session.user.create_folder("Road Trips")
    assert isinstance(folder, Folder) and folder.name == "Road Trips"
    assert "Road Trips" in root_folder_names(session)
    inner = session.user.create_folder("Summer", parent_id=folder.id)
    assert [f.name for f in session.user.favorites.playlist_folders(parent_folder_id=folder.id)] == ["Summer"]
    assert Folder(session, inner.id, parent_folder_id=folder.id).name == "Summer"
    folder.rename("Trips")
    assert folder.name == "Trips" and "Trips" in root_folder_names(session)
    created = session.user.create_playlist("In a folder", "made inside", parent_id=folder.id)
    assert isinstance(created, tidalapi.UserPlaylist)
    assert [p.id for p in folder.items()] == [created.id]
    assert created.id not in [p.id for p in session.user.favorites.playlists()]  # not in root
    own = own_playlist_uuid(control, 12)
    folder.add_items([own])  # tidalapi prefixes trn:playlist:
    assert sorted(p.id for p in folder.items()) == sorted([created.id, own])
    assert own not in [p.id for p in session.user.favorites.playlists()]
    folder.move_items_to_root([f"trn:playlist:{own}"])
    assert own in [p.id for p in session.user.favorites.playlists()]
    assert folder.remove()
    assert "Trips" not in root_folder_names(session)
    catalog = control.get("catalog")
    assert created.id not in catalog["playlist_uuids"]  # own playlists go with their folder
    assert own in catalog["playlist_uuids"] and inner.id not in catalog["folder_ids"]


def test_listing_orders_includes_and_cursor_pages(session):
    for name in ("b-folder", "a-folder"):
        session.user.create_folder(name)
    everything = v2(session, "GET", "my-collection/playlists/folders", folderId="root", includeOnly="", limit=50)
    body = everything.json()
    kinds = [i["itemType"] for i in body["items"]]
    assert kinds == sorted(kinds, key=lambda k: k != "FOLDER")  # folders first
    assert body["totalNumberOfItems"] == len(body["items"]) == 3 + 4 + 3  # folders, own, favorited
    assert body["cursor"] is None
    by_name = v2(
        session,
        "GET",
        "my-collection/playlists/folders",
        includeOnly="FOLDER",
        order="NAME",
        orderDirection="ASC",
        limit=50,
    )
    assert [i["name"] for i in by_name.json()["items"]] == ["a-folder", "Archive", "b-folder"]
    seen, cursor = [], None
    while True:
        params = {"folderId": "root", "includeOnly": "", "limit": 3, "offset": 99}
        if cursor:
            params["cursor"] = cursor
        page = v2(session, "GET", "my-collection/playlists/folders", **params).json()
        seen += [i["trn"] for i in page["items"]]
        cursor = page["cursor"]
        if cursor is None:
            break
    assert seen == [i["trn"] for i in body["items"]]


def test_listing_errors(session):
    with pytest.raises(requests.HTTPError) as info:
        v2(session, "GET", "my-collection/playlists/folders", folderId="root", limit=51)
    assert info.value.response.json() == {
        "status": 400,
        "subStatus": 1001,
        "userMessage": "Too big page, max page size is [50]",
    }
    with pytest.raises(ObjectNotFound):
        v2(session, "GET", "my-collection/playlists/folders", folderId="no-such-folder", limit=50)
    with pytest.raises(requests.HTTPError) as info:
        v2(session, "GET", "my-collection/playlists/folders", cursor="%%%", limit=50)
    assert info.value.response.status_code == 400


def test_moves_that_make_no_sense_are_refused(session):
    archive = session.user.favorites.playlist_folders()[0]
    child = session.user.favorites.playlist_folders(parent_folder_id=archive.id)[0]
    with pytest.raises(requests.HTTPError) as info:
        v2(session, "PUT", "my-collection/playlists/folders/move", folderId=child.id, trns=archive.trn)
    assert info.value.response.status_code == 400
    with pytest.raises(ObjectNotFound):
        v2(session, "PUT", "my-collection/playlists/folders/move", folderId="missing", trns=archive.trn)
    with pytest.raises(ObjectNotFound):
        session.user.create_playlist("Lost", "", parent_id="missing")
    with pytest.raises(ObjectNotFound):
        v2(session, "PUT", "my-collection/playlists/folders/move", folderId="root", trns="trn:playlist:nope")


def test_favorite_playlists_land_in_the_chosen_folder(session, emu):
    archive = session.user.favorites.playlist_folders()[0]
    favorited = {f.id for f in emu.state.catalog.favorite_playlists}
    editorial = next(
        p.uuid for p in emu.state.catalog.playlists.values() if p.creator_id == 0 and p.uuid not in favorited
    )
    assert session.user.favorites.add_playlist(editorial, parent_folder_id=archive.id, validate=True)
    assert [p.id for p in session.folder(archive.id).items()] == [editorial]
    assert editorial not in [p.id for p in session.user.favorites.playlists()]
    mixed = session.user.playlist_and_favorite_playlists()
    assert editorial in [p.id for p in mixed]  # the v1 view is flat
    assert session.user.favorites.remove_playlist(editorial)
    assert session.folder(archive.id).items() == []


def test_folder_writes_are_counted(session, control):
    control.post("reset")
    session.user.create_folder("Counted")
    counters = control.get("counters")
    assert counters["routes"] == {"PUT /v2/my-collection/playlists/folders/create-folder": 1}
    assert counters["statuses"] == {"200": 1}


def test_raw_create_folder_moves_trns_in(emu, control):
    api = Api(emu)
    own = own_playlist_uuid(control, 60)
    item = api.json(
        "PUT",
        "/v2/my-collection/playlists/folders/create-folder",
        params={"name": "Box", "folderId": "root", "trns": f"trn:playlist:{own}"},
    )
    assert item["itemType"] == "FOLDER" and item["data"]["totalNumberOfItems"] == 1
    listing = api.json(
        "GET", "/v2/my-collection/playlists/folders", params={"folderId": item["data"]["id"], "limit": 50}
    )
    assert [i["trn"] for i in listing["items"]] == [f"trn:playlist:{own}"]
    assert listing["items"][0]["parent"] == item["data"]["id"]
    assert listing["items"][0]["data"]["uuid"] == own and listing["items"][0]["data"]["sharingLevel"] == "PRIVATE"


def test_state_reset_restores_folders_favorites_and_settings(session, emu, control):
    session.user.create_folder("Temporary")
    session.user.favorites.add_mixes([emu.state.catalog.tracks[sorted(emu.state.catalog.tracks)[-1]].mix_id])
    control.post("settings", {"subscription": "FREE", "url_lifetime": 5})
    control.post("reset", {"state": True})
    fresh = logged_in_session(emu)  # the reset also dropped every token
    assert [f.name for f in fresh.user.favorites.playlist_folders()] == ["Archive"]
    assert len(fresh.user.favorites.mixes()) == 4
    assert control.get("settings") == {"subscription": "HIFI_PLUS", "url_lifetime": 3600}
