"""Favorites of every kind (v1 tracks, albums, artists, videos, playlists; v2 mixes) through tidalapi."""

from __future__ import annotations

import pytest
import requests
import tidalapi
from tidalapi.types import AlbumOrder, ArtistOrder, ItemOrder, MixOrder, OrderDirection, VideoOrder

from tests.emulator.support import Api


def fav_url(emu, kind: str) -> str:
    return f"/v1/users/{emu.state.catalog.user.id}/favorites/{kind}"


@pytest.mark.parametrize(
    ("kind", "order", "seeded"),
    [
        ("tracks", ItemOrder.Name, 150),
        ("albums", AlbumOrder.Name, 30),
        ("artists", ArtistOrder.Name, 24),
        ("videos", VideoOrder.Name, 6),
    ],
)
def test_every_page_in_every_order(shared_session, kind, order, seeded):
    favorites = shared_session.user.favorites
    listing = getattr(favorites, kind)
    everything = getattr(favorites, f"{kind}_paginated")()
    assert len(everything) == seeded
    by_date = listing(limit=seeded)
    added = [item.user_date_added for item in by_date]
    assert added == sorted(added, reverse=True) and added[0] is not None  # DATE DESC by default
    ascending = listing(limit=seeded, order=order, order_direction=OrderDirection.Ascending)
    names = [x.name.lower() for x in ascending]
    assert names == sorted(names)
    descending = listing(limit=seeded, order=order, order_direction=OrderDirection.Descending)
    assert [x.id for x in descending] == [x.id for x in reversed(ascending)]
    pages = [listing(limit=7, offset=o) for o in range(0, seeded, 7)]
    assert [x.id for p in pages for x in p] == [x.id for x in by_date]


def test_items_are_wrapped_with_created(emu):
    api = Api(emu)
    for kind in ("tracks", "albums", "artists", "videos", "playlists"):
        body = api.json("GET", fav_url(emu, kind), params={"limit": 5})
        assert body["items"] and all(set(i) == {"created", "item"} for i in body["items"]), kind
        assert body["items"][0]["created"].endswith("+0000")
        assert body["limit"] == 5 and body["offset"] == 0
    unknown = api.call("GET", fav_url(emu, "tracks"), params={"order": "MIX_TYPE"})
    assert unknown.status_code == 400


def test_add_many_with_singular_and_plural_fields_then_remove_many(emu, session):
    api = Api(emu)
    catalog, extras = emu.state.catalog, emu.state.extras
    fresh = {
        "tracks": [t for t in sorted(catalog.tracks) if t not in {f.id for f in catalog.favorite_tracks}][:3],
        "albums": [a for a in sorted(catalog.albums) if a not in {f.id for f in catalog.favorite_albums}][:3],
        "artists": [a for a in sorted(catalog.artists) if a not in {f.id for f in catalog.favorite_artists}][:3],
        "videos": [v for v in sorted(extras.videos) if v not in {f.id for f in extras.favorite_videos}][:3],
    }
    fields = {"tracks": "trackId", "albums": "albumId", "artists": "artistId", "videos": "videoId"}
    for kind, ids in fresh.items():
        before = api.json("GET", fav_url(emu, kind), params={"limit": 1})["totalNumberOfItems"]
        for form in ({fields[kind]: str(ids[0])}, {fields[kind] + "s": ",".join(map(str, ids[1:]))}):
            assert api.call("POST", fav_url(emu, kind), data=form).status_code == 200
        listed = api.json("GET", fav_url(emu, kind), params={"limit": 1000})
        assert listed["totalNumberOfItems"] == before + 3 and set(ids) <= {i["item"]["id"] for i in listed["items"]}
        gone = api.call("DELETE", f"{fav_url(emu, kind)}/{','.join(map(str, ids))}")
        assert gone.status_code == 200
        assert api.json("GET", fav_url(emu, kind), params={"limit": 1})["totalNumberOfItems"] == before
    missing = api.call("POST", fav_url(emu, "albums"), data={"albumId": "1"})
    assert missing.status_code == 404 and missing.json()["userMessage"] == "Album [1] not found"
    assert session.user.favorites.add_video(str(fresh["videos"][0]))
    assert fresh["videos"][0] in [v.id for v in session.user.favorites.videos()]
    assert session.user.favorites.remove_video(str(fresh["videos"][0]))


def test_v1_favorite_playlists_share_the_collection(emu, session):
    api = Api(emu)
    other = next(iter(emu.state.extras.user_playlists))
    assert api.call("POST", fav_url(emu, "playlists"), data={"uuid": other}).status_code == 200
    assert other in [p.id for p in session.user.favorites.playlists()]  # the v2 root listing
    assert api.call("DELETE", f"{fav_url(emu, 'playlists')}/{other}").status_code == 200
    assert other not in [p.id for p in session.user.favorites.playlists()]


def test_unavailable_favorite_tracks_shorten_the_page_but_count(emu, session, control):
    unavailable = control.get("catalog")["unavailable_track_ids"][:2]
    assert session.user.favorites.add_track([str(t) for t in unavailable])
    total = session.user.favorites.get_tracks_count()
    assert total == 152
    page = Api(emu).json("GET", fav_url(emu, "tracks"), params={"limit": 10})
    assert page["totalNumberOfItems"] == 152 and len(page["items"]) == 8  # python-tidal#347
    assert len(session.user.favorites.tracks_paginated()) == 150


def test_favorite_mixes_v2(session, emu):
    favorites = session.user.favorites
    mixes = favorites.mixes()
    assert len(mixes) == 4 and all(isinstance(m, tidalapi.mix.MixV2) for m in mixes)
    assert all(m.date_added is not None and m.title and m.images.small.startswith("https://") for m in mixes)
    dates = [m.date_added for m in mixes]
    assert dates == sorted(dates, reverse=True)
    by_name = favorites.mixes(order=MixOrder.Name, order_direction=OrderDirection.Ascending)
    assert [m.title.lower() for m in by_name] == sorted(m.title.lower() for m in by_name)
    catalog = emu.state.catalog
    track_mix = catalog.tracks[sorted(catalog.tracks)[-1]].mix_id
    artist_mix = catalog.artists[sorted(catalog.artists)[-1]].mix_id
    assert favorites.add_mixes([track_mix, artist_mix], validate=True)
    assert {track_mix, artist_mix} <= {m.id for m in favorites.mixes()}
    assert favorites.remove_mixes([track_mix], validate=True)
    assert track_mix not in {m.id for m in favorites.mixes()}
    with pytest.raises(tidalapi.exceptions.ObjectNotFound):
        favorites.add_mixes(["00ffffffffffffffffffffffffffff"])
    skipped = session.request.request(
        "PUT",
        "favorites/mixes/add",
        base_url=session.config.api_v2_location,
        params={"mixIds": "00ffffffffffffffffffffffffffff", "onArtifactNotFound": "SKIP"},
    )
    assert skipped.json() == {"addedItems": []}


def test_favorite_mixes_cursor_pages(emu):
    api = Api(emu)
    first = api.json("GET", "/v2/favorites/mixes", params={"limit": 3})
    assert len(first["items"]) == 3 and first["cursor"]
    rest = api.json("GET", "/v2/favorites/mixes", params={"limit": 3, "cursor": first["cursor"]})
    assert len(rest["items"]) == 1 and rest["cursor"] is None
    assert api.call("GET", "/v2/favorites/mixes", params={"limit": 51}).status_code == 400


def test_favorite_ids(emu):
    body = Api(emu).json("GET", fav_url(emu, "ids"))
    assert set(body) == {"TRACK", "ALBUM", "ARTIST", "VIDEO", "PLAYLIST"}
    assert len(body["TRACK"]) == 150 and all(isinstance(i, str) for i in body["TRACK"])


def test_someone_elses_favorites_are_forbidden(emu):
    other = next(iter(emu.state.extras.users))
    response = Api(emu).call("GET", f"/v1/users/{other}/favorites/tracks")
    assert response.status_code == 403
    with pytest.raises(requests.HTTPError):
        response.raise_for_status()
