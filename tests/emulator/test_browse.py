"""Catalog breadth through tidalapi: pages, the v2 home feed, genres, moods, mixes, radios, credits."""

from __future__ import annotations

import pytest
import requests
import tidalapi
from tidalapi.exceptions import MetadataNotAvailable, ObjectNotFound
from tidalapi.page import FeaturedItems, ItemList, PageLinks

from tests.emulator.support import Api


@pytest.mark.parametrize(
    ("method", "kinds"),
    [
        ("explore", [FeaturedItems, PageLinks, PageLinks, ItemList]),
        ("for_you", [ItemList, ItemList, ItemList]),
        ("hires_page", [ItemList, ItemList]),
        ("videos", [ItemList]),
        ("genres", [PageLinks]),
        ("local_genres", [PageLinks]),
        ("moods", [PageLinks]),
        ("mixes", [ItemList]),
    ],
)
def test_pages_parse_with_tidalapi(shared_session, method, kinds):
    page = getattr(shared_session, method)()
    assert [type(c) for c in page.categories] == kinds
    assert all(c.items for c in page.categories)
    assert next(iter(page)) is not None  # the page iterates over its items


def test_legacy_home_page_and_show_more(shared_session, shared_emu):
    home = shared_session.home(use_legacy_endpoint=True)
    assert [type(c) for c in home.categories] == [ItemList] * 6
    playlists, mixes, albums, tracks, artists, videos = (c.items for c in home.categories)
    assert all(isinstance(p, tidalapi.Playlist) for p in playlists) and len(playlists) == 15
    assert all(isinstance(m, tidalapi.Mix) for m in mixes) and all(isinstance(v, tidalapi.Video) for v in videos)
    everything = home.categories[0].show_more()
    public = [
        p for p in shared_emu.state.playlists.values() if p.public and p.creator_id != shared_emu.state.catalog.user.id
    ]
    assert len(everything.categories[0].items) == len(public) > 15
    assert home.categories[1].show_more() is None  # 8 mixes fit on the page


def test_v2_home_feed(shared_session):
    home = shared_session.home()
    kinds = [type(c).__name__ for c in home.categories]
    assert kinds == [
        "ShortcutList",
        "HorizontalList",
        "TrackList",
        "HorizontalListWithContext",
        "HorizontalList",
        "HorizontalList",
    ]
    assert all(isinstance(m, tidalapi.mix.MixV2) for m in home.categories[1].items)
    assert all(isinstance(t, tidalapi.Track) for t in home.categories[2].items)
    assert {type(x) for x in home.categories[3].items} == {tidalapi.Album, tidalapi.Artist}


def test_genres_and_their_items(shared_session, shared_emu):
    genres = shared_session.genre.get_genres()
    assert [g.name for g in genres][:3] == ["Pop", "Rock", "Hip-Hop"]
    pop = genres[0]
    tracks = pop.items(tidalapi.Track)
    members = set(shared_emu.state.extras.genres[0].artist_ids)
    assert tracks and all({a.id for a in t.artists} & members for t in tracks)
    assert pop.items(tidalapi.Playlist) and pop.items(tidalapi.Album)
    link = shared_session.genres().categories[0].items[0]
    genre_page = link.get()
    assert link.api_path == "pages/genre_pop" and len(genre_page.categories) == 4
    with pytest.raises(ObjectNotFound):
        shared_session.page.get("pages/genre_nothing")


def test_moods(shared_session, shared_emu):
    mood = shared_session.moods().categories[0].items[0]
    assert mood.title == "Relax"
    playlists = mood.get().categories[0].items
    assert [p.id for p in playlists] == list(shared_emu.state.extras.moods[0].playlist_uuids)
    api = Api(shared_emu)
    assert [m["path"] for m in api.json("GET", "/v1/moods")] == [m.path for m in shared_emu.state.extras.moods]
    listed = api.json("GET", "/v1/moods/relax/playlists", params={"limit": 10})
    assert listed["totalNumberOfItems"] == 3


def test_mixes_radio_and_mix_items(shared_session, shared_emu):
    catalog = shared_emu.state.catalog
    personal = shared_session.mixes().categories[0].items
    assert [m.title for m in personal][:3] == ["My Mix 1", "My Mix 2", "My Mix 3"]
    assert len(personal[0].items()) == 50
    video_mix = next(m for m in personal if m.mix_type == tidalapi.mix.MixType.video_daily)
    assert all(isinstance(v, tidalapi.Video) for v in video_mix.items())
    track = shared_session.track(next(iter(catalog.tracks)))
    radio = track.get_radio_mix()
    assert radio.id == catalog.tracks[track.id].mix_id and radio.items()[0].id == track.id
    artist = shared_session.artist(track.artist.id)
    assert artist.get_radio_mix().mix_type == tidalapi.mix.MixType.artist
    assert len(artist.get_radio(limit=10)) == 10
    items = Api(shared_emu).json("GET", f"/v1/mixes/{radio.id}/items", params={"limit": 3, "offset": 5})
    assert len(items["items"]) == items["totalNumberOfItems"] == len(radio.items())  # paging ignored
    with pytest.raises(ObjectNotFound):
        shared_session.mix("00ffffffffffffffffffffffffffff")


def test_artist_and_album_pages(shared_session, shared_emu):
    extras = shared_emu.state.extras
    artist_id = next(a for a, v in extras.videos_by_artist.items() if v)
    artist = shared_session.artist(artist_id)
    page = artist.page()
    assert page.categories[0].items[0].id == artist_id and page.title == artist.name
    assert [v.id for v in artist.get_videos()] == sorted(
        extras.videos_by_artist[artist_id], key=lambda v: (extras.videos[v].release_ms, v), reverse=True
    )
    album = shared_session.album(shared_emu.state.catalog.albums_by_artist[artist_id][0])
    album_page = album.page()
    assert album_page.categories[0].items[0].id == album.id
    assert [t.id for t in album_page.categories[1].items] == list(shared_emu.state.catalog.albums[album.id].track_ids)


def test_album_review_credits_and_track_contributors(shared_session, shared_emu):
    catalog = shared_emu.state.catalog
    reviewed = next(a for a in catalog.albums if a % 2 == 0)
    unreviewed = next(a for a in catalog.albums if a % 2)
    assert "[wimpLink" in shared_session.album(reviewed).review()
    with pytest.raises(ObjectNotFound):
        shared_session.album(unreviewed).review()
    api = Api(shared_emu)
    credits = api.json("GET", f"/v1/albums/{reviewed}/credits")
    assert (
        credits[0]["type"] == "Primary Artist"
        and credits[0]["contributors"][0]["id"] == catalog.albums[reviewed].credits[0].artist_id
    )
    items = api.json("GET", f"/v1/albums/{reviewed}/items/credits", params={"limit": 2})
    assert len(items["items"]) == 2 and items["items"][0]["credits"][0]["type"] == "Composer"
    track_id = catalog.albums[reviewed].track_ids[0]
    contributors = api.json("GET", f"/v1/tracks/{track_id}/contributors", params={"limit": 10})
    assert contributors["totalNumberOfItems"] == len(contributors["items"]) == 6
    grouped = api.json("GET", f"/v1/tracks/{track_id}/credits")
    assert [g["type"] for g in grouped] == ["Composer", "Lyricist", "Producer", "Mixing Engineer", "Music Publisher"]
    links = api.json("GET", f"/v1/artists/{catalog.albums[reviewed].credits[0].artist_id}/links")
    assert links["source"] == "MusicBrainz" and links["items"][0]["siteName"] == "ALLMUSIC"


def test_radio_and_mix_of_unknown_objects_map_to_tidalapi_errors(shared_session):
    track = shared_session.track()  # no request without an id
    track.id = 1
    with pytest.raises(MetadataNotAvailable):
        track.get_track_radio()
    with pytest.raises(MetadataNotAvailable):
        track.get_radio_mix()


def test_unknown_pages_and_bad_parameters(shared_emu):
    api = Api(shared_emu)
    assert api.call("GET", "/v1/pages/nope").json() == {
        "status": 404,
        "subStatus": 2001,
        "userMessage": "Page [nope] not found",
    }
    assert api.call("GET", "/v1/pages/mix").status_code == 400
    assert api.call("GET", "/v1/pages/artist", params={"artistId": "1"}).status_code == 404
    assert api.call("GET", "/v1/genres/Nope/tracks").json()["userMessage"] == "GENRES [Nope] not found"
    with pytest.raises(requests.HTTPError):
        api.call("GET", "/v1/pages/single-module-page/home/99").raise_for_status()
