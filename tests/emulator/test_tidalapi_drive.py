"""Drive the emulator with the REAL tidalapi 0.8.11 (no patching beyond the URL settings)."""

from __future__ import annotations

import re

import pytest
import requests
import tidalapi
from tidalapi.exceptions import (
    AuthenticationError,
    InvalidISRC,
    MetadataNotAvailable,
    ObjectNotFound,
    TooManyRequests,
)

from tests.fake_tidal.client import Control, logged_in_session, tidal_session

PENDING_BODY = {
    "status": 400,
    "error": "authorization_pending",
    "sub_status": 1002,
    "error_description": "Device Authorization code is not authorized yet",
}
INVALID_GRANT_BODY = {
    "status": 400,
    "error": "invalid_grant",
    "sub_status": 11101,
    "error_description": "Token could not be verified",
}


def own_playlist_uuid(control: Control, size: int) -> str:
    """The seeded user's playlist holding ``size`` tracks."""
    for key in control.get("catalog")["user_playlist_uuids"]:
        if len(control.get(f"snapshot/playlist/{key}")["trackIds"]) == size:
            return key
    raise AssertionError(f"no own playlist with {size} tracks")


# -- login ----------------------------------------------------------------------------------


def test_device_login_auto_approve_pending_then_success(make_emu):
    emu = make_emu(auto_approve=True)
    session = tidal_session(emu)
    link, future = session.login_oauth()
    assert future.result(timeout=20) is True
    assert link.verification_uri == f"127.0.0.1:{emu.port}/device"
    assert link.verification_uri_complete == f"127.0.0.1:{emu.port}/device/{link.user_code}"
    assert link.expires_in == 300
    assert session.user.id == emu.state.catalog.user.id
    assert session.check_login()
    routes = Control(emu.url).get("counters")["routes"]
    # The first poll answered pending, the second succeeded.
    assert routes["POST /auth/v1/oauth2/token"] == 2
    assert routes["POST /auth/v1/oauth2/device_authorization"] == 1


def test_device_login_pending_until_control_approve(make_emu):
    emu = make_emu(auto_approve=False)
    session = tidal_session(emu)
    link = session.get_link_login()
    poll = {
        "client_id": session.config.client_id,
        "client_secret": session.config.client_secret,
        "device_code": link.device_code,
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "scope": "r_usr w_usr w_sub",
    }
    pending = requests.post(session.config.api_oauth2_token, data=poll, timeout=10)
    assert pending.status_code == 400
    assert pending.json() == PENDING_BODY
    assert Control(emu.url).post("device/approve", {"user_code": link.user_code}) == {"approved": [link.user_code]}
    assert session.process_link_login(link) is True
    assert session.user.username == emu.state.catalog.user.username


def test_device_login_approved_by_opening_the_device_page(make_emu):
    emu = make_emu(auto_approve=False)
    session = tidal_session(emu)
    link = session.get_link_login()
    page = requests.get(f"http://{link.verification_uri_complete}", timeout=10)
    assert page.status_code == 200 and link.user_code in page.text
    assert session.process_link_login(link) is True
    assert session.check_login()


def test_device_login_expired_code_raises_timeout(make_emu):
    session = tidal_session(make_emu(auto_approve=False, device_expires_in=0))
    link = session.get_link_login()
    with pytest.raises(TimeoutError):
        session.process_link_login(link)


def test_pkce_code_exchange_logs_in(emu):
    session = tidal_session(emu)
    token = session.pkce_get_auth_token("https://tidal.com/android/login/auth?code=CODE123")
    assert session.process_auth_token(token, is_pkce_token=True)
    assert session.user.id == emu.state.catalog.user.id and session.is_pkce


def test_load_oauth_session_and_check_login(emu):
    session = tidal_session(emu)
    tokens = emu.issue_tokens()
    assert session.load_oauth_session("Bearer", tokens["access_token"], tokens["refresh_token"])
    user = emu.state.catalog.user
    assert isinstance(session.user, tidalapi.LoggedInUser)
    assert (session.user.id, session.user.first_name, session.user.email) == (user.id, user.first_name, user.email)
    assert session.country_code == "US"
    assert re.fullmatch(r"[0-9a-f-]{36}", session.session_id)
    assert session.check_login() is True


def test_invalid_bearer_is_a_plain_401(emu):
    session = tidal_session(emu)
    with pytest.raises(requests.HTTPError) as info:
        session.load_oauth_session("Bearer", "not-a-token", "also-not")
    assert info.value.response.status_code == 401
    assert info.value.response.json() == {"status": 401, "subStatus": 11002, "userMessage": "Token has invalid payload"}


def test_expired_token_is_refreshed_and_the_call_retried(emu, session, control):
    track_id = control.get("catalog")["track_ids"][0]
    old_token = session.access_token
    assert control.post("tokens/expire")["expired"] >= 1
    control.post("reset")
    assert session.track(track_id).id == track_id
    assert session.access_token != old_token
    routes = control.get("counters")["routes"]
    assert routes["GET /v1/tracks/{id}"] == 2  # 401 11003, then the retry
    assert routes["POST /auth/v1/oauth2/token"] == 1


def test_rotated_refresh_token_invalidates_the_old_one(make_emu):
    emu = make_emu(rotate_refresh_tokens=True)
    session = logged_in_session(emu)
    first_refresh = session.refresh_token
    form = {"grant_type": "refresh_token", "refresh_token": first_refresh, "client_id": session.config.client_id}
    rotated = requests.post(session.config.api_oauth2_token, data=form, timeout=10).json()
    assert rotated["refresh_token"] != first_refresh and rotated["token_type"] == "Bearer"
    stale = requests.post(session.config.api_oauth2_token, data=form, timeout=10)
    assert (stale.status_code, stale.json()) == (400, INVALID_GRANT_BODY)
    # tidalapi still holds the old refresh token: its automatic refresh now fails loudly.
    Control(emu.url).post("tokens/expire")
    with pytest.raises(AuthenticationError, match="invalid_grant: Token could not be verified"):
        session.track(emu.state.catalog.favorite_tracks[0].id)


def test_refresh_reply_without_rotation_has_no_refresh_token(emu):
    tokens = emu.issue_tokens()
    body = requests.post(
        f"{emu.url}/auth/v1/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        timeout=10,
    ).json()
    assert "refresh_token" not in body
    assert body["access_token"] != tokens["access_token"] and body["expires_in"] == 3600


# -- catalog reads --------------------------------------------------------------------------


def test_track_matches_snapshot(shared_session, shared_emu, shared_catalog):
    track_id = shared_catalog["track_ids"][17]
    snap = Control(shared_emu.url).get(f"snapshot/track/{track_id}")
    track = shared_session.track(track_id)
    assert (track.id, track.name, track.duration, track.isrc) == (
        track_id,
        snap["title"],
        snap["duration"],
        snap["isrc"],
    )
    assert track.album.id == snap["album"]["id"] and track.artist.id == snap["artist"]["id"]
    assert track.audio_quality == snap["audioQuality"]


def test_album_with_tracks_and_items(shared_session, shared_emu):
    album = max(shared_emu.state.catalog.albums.values(), key=lambda a: (a.number_of_volumes, len(a.track_ids)))
    assert album.number_of_volumes == 2
    fetched = shared_session.album(album.id)
    assert (fetched.name, fetched.num_tracks, fetched.num_volumes) == (album.title, len(album.track_ids), 2)
    tracks = fetched.tracks()
    assert [t.id for t in tracks] == list(album.track_ids)
    assert {t.volume_num for t in tracks} == {1, 2}
    for volume in (1, 2):
        numbers = [t.track_num for t in tracks if t.volume_num == volume]
        assert numbers == list(range(1, len(numbers) + 1))
    assert [t.id for t in fetched.items()] == list(album.track_ids)
    assert [t.id for t in fetched.tracks(limit=3, offset=2)] == list(album.track_ids[2:5])


def test_artist_top_tracks_and_album_filters(shared_session, shared_emu):
    catalog = shared_emu.state.catalog
    artist_id = max(catalog.artists, key=lambda a: len(catalog.albums_by_artist.get(a, ())))
    artist = shared_session.artist(artist_id)
    assert artist.name == catalog.artists[artist_id].name
    top = artist.get_top_tracks()
    assert top and [t.popularity for t in top] == sorted((t.popularity for t in top), reverse=True)
    assert all(artist_id in [a.id for a in t.artists] for t in top)
    albums, eps = artist.get_albums(), artist.get_ep_singles()
    assert {a.type for a in albums} <= {"ALBUM"} and {a.type for a in eps} <= {"EP", "SINGLE"}
    assert {a.id for a in albums} | {a.id for a in eps} == set(catalog.albums_by_artist[artist_id])
    featured = next(a for a in catalog.artists if catalog.appears_on.get(a))
    assert {a.id for a in shared_session.artist(featured).get_other()} == set(catalog.appears_on[featured])


def test_artist_extras_similar_bio_radio(shared_session, shared_emu):
    catalog = shared_emu.state.catalog
    with_similar = next(a for a, sim in catalog.similar_artists.items() if sim)
    without = next(a for a, sim in catalog.similar_artists.items() if not sim)
    similar = shared_session.artist(with_similar).get_similar()
    assert [a.id for a in similar] == list(catalog.similar_artists[with_similar])
    assert "[wimpLink" in shared_session.artist(with_similar).get_bio()
    with pytest.raises(ObjectNotFound):
        shared_session.artist(without).get_similar()
    track = shared_session.track(catalog.tracks_by_artist[with_similar][0])
    radio = track.get_track_radio()
    assert radio and track.id not in [t.id for t in radio]


def test_lyrics_present_and_missing(shared_session, shared_emu):
    tracks = shared_emu.state.catalog.tracks.values()
    with_lyrics = next(t for t in tracks if t.has_lyrics)
    without = next(t for t in tracks if not t.has_lyrics)
    lyrics = shared_session.track(with_lyrics.id).lyrics()
    assert lyrics.text and lyrics.subtitles.startswith("[") and lyrics.provider == "MUSIXMATCH"
    with pytest.raises(MetadataNotAvailable):
        shared_session.track(without.id).lyrics()


def test_missing_objects_raise_object_not_found(shared_session):
    with pytest.raises(ObjectNotFound):
        shared_session.track(1)
    with pytest.raises(ObjectNotFound):
        shared_session.album(2)
    with pytest.raises(ObjectNotFound):
        shared_session.artist(3)
    with pytest.raises(ObjectNotFound):
        shared_session.playlist("00000000-0000-4000-8000-000000000000")


def test_unknown_route_is_json_404_through_tidalapi(shared_session):
    with pytest.raises(ObjectNotFound):
        shared_session.request.request("GET", "no/such/route")
    response = shared_session.request.latest_err_response
    assert response.status_code == 404 and response.json()["subStatus"] == 2001


# -- playlists ------------------------------------------------------------------------------


def test_user_playlists_are_user_playlists_of_the_seeded_sizes(shared_session):
    playlists = shared_session.user.playlists()
    assert all(isinstance(p, tidalapi.UserPlaylist) for p in playlists)
    assert sorted(p.num_tracks for p in playlists) == [0, 12, 60, 230]


def test_every_page_of_the_230_track_playlist(shared_session, shared_emu):
    control = Control(shared_emu.url)
    key = own_playlist_uuid(control, 230)
    expected = control.get(f"snapshot/playlist/{key}")["trackIds"]
    playlist = shared_session.playlist(key)
    assert playlist.num_tracks == 230 and playlist._etag == f'"{shared_emu.state.playlists[key].last_updated_ms}"'
    pages = [playlist.items(limit=100, offset=offset) for offset in (0, 100, 200)]
    assert [len(p) for p in pages] == [100, 100, 30]
    assert [t.id for p in pages for t in p] == expected
    assert len(playlist.tracks()) == 100  # tidalapi asks for 1000: clamped to 100, not an error
    assert playlist.get_tracks_count() == 230
    assert [t.id for t in playlist.tracks_paginated()] == expected


def test_editorial_playlist_is_a_plain_playlist(shared_session, shared_emu):
    editorial = next(p for p in shared_emu.state.playlists.values() if p.creator_id == 0)
    playlist = shared_session.playlist(editorial.uuid)
    assert type(playlist) is tidalapi.Playlist
    assert [t.id for t in playlist.tracks()] == [i.track_id for i in editorial.items][:100]


def test_playlist_add_remove_move_with_etags(session, control):
    key = own_playlist_uuid(control, 12)
    playlist = session.playlist(key)
    etag_before = playlist._etag
    new_ids = [str(t) for t in control.get("catalog")["track_ids"][:2]]
    assert playlist.add(new_ids) == [int(t) for t in new_ids]
    assert playlist._etag != etag_before and playlist.num_tracks == 14
    assert playlist.add(new_ids) == []  # onDupes=SKIP
    assert playlist.remove_by_index(0)
    after_remove = control.get(f"snapshot/playlist/{key}")["trackIds"]
    assert len(after_remove) == 13 and after_remove[-2:] == [int(t) for t in new_ids]
    assert playlist.move_by_index(12, 0)
    moved = control.get(f"snapshot/playlist/{key}")["trackIds"]
    assert moved[0] == after_remove[12] and sorted(moved) == sorted(after_remove)
    assert playlist.edit(title="Renamed")
    playlist._reparse()
    assert playlist.name == "Renamed"


def test_stale_etag_is_rejected_with_412(session, control):
    key = own_playlist_uuid(control, 60)
    writer_a, writer_b = session.playlist(key), session.playlist(key)
    assert writer_a.remove_by_index(0)
    with pytest.raises(requests.HTTPError) as info:
        writer_b.remove_by_index(0)
    assert info.value.response.status_code == 412
    assert info.value.response.json()["subStatus"] == 7002
    assert len(control.get(f"snapshot/playlist/{key}")["trackIds"]) == 59


def test_create_and_delete_playlist(session, control):
    created = session.user.create_playlist("Fresh", "made by a test")
    assert isinstance(created, tidalapi.UserPlaylist) and created.num_tracks == 0
    assert created.id in control.get("catalog")["user_playlist_uuids"]
    assert created.add([str(control.get("catalog")["track_ids"][3])])
    assert created.delete()
    assert created.id not in control.get("catalog")["playlist_uuids"]


def test_playlists_and_favorite_playlists(shared_session, shared_emu):
    mixed = shared_session.user.playlist_and_favorite_playlists()
    assert len(mixed) == 4 + len(shared_emu.state.catalog.favorite_playlists)
    with pytest.raises(requests.HTTPError) as info:
        shared_session.user.playlist_and_favorite_playlists(limit=51)
    assert info.value.response.json() == {
        "status": 400,
        "subStatus": 1001,
        "userMessage": "Too big page, max page size is [50]",
    }


# -- search ---------------------------------------------------------------------------------


def test_search_all_types_and_top_hit(shared_session, shared_emu):
    artist = max(shared_emu.state.catalog.artists.values(), key=lambda a: a.popularity)
    result = shared_session.search(artist.name.upper())
    assert set(result) == {"artists", "albums", "tracks", "videos", "playlists", "top_hit"}
    assert artist.id in [a.id for a in result["artists"]]
    assert result["tracks"] and all(
        artist.name in {a.name for a in t.artists} or artist.name.lower() in t.name.lower() for t in result["tracks"]
    )
    assert isinstance(result["top_hit"], tidalapi.Artist) and result["top_hit"].id == artist.id


def test_search_limit_offset_and_types(shared_session, shared_emu):
    query = "night"
    first = shared_session.search(query, models=[tidalapi.Track], limit=5)
    second = shared_session.search(query, models=[tidalapi.Track], limit=5, offset=5)
    assert len(first["tracks"]) == 5 and len(second["tracks"]) == 5
    assert not {t.id for t in first["tracks"]} & {t.id for t in second["tracks"]}
    assert first["artists"] == [] and first["albums"] == [] and first["playlists"] == []
    assert isinstance(first["top_hit"], tidalapi.Track)
    popularity = [t.popularity for t in first["tracks"] + second["tracks"]]
    assert popularity == sorted(popularity, reverse=True)
    empty = shared_session.search("zzqqxx-nothing")
    assert empty["top_hit"] is None and all(empty[k] == [] for k in ("artists", "albums", "tracks"))


# -- favorites ------------------------------------------------------------------------------


def test_favorites_read_and_write(session, emu):
    favorites = session.user.favorites
    assert favorites.get_tracks_count() == 150
    assert len(favorites.tracks_paginated()) == 150
    assert len(favorites.tracks(limit=50)) == 50 and favorites.tracks()[0].user_date_added is not None
    assert len(favorites.albums()) == 30 and len(favorites.artists()) == 24
    catalog = emu.state.catalog
    new_track = next(t for t in catalog.tracks if t not in {f.id for f in catalog.favorite_tracks})
    assert favorites.add_track([str(new_track)])
    assert favorites.get_tracks_count() == 151 and favorites.tracks(limit=1)[0].id == new_track
    assert favorites.remove_track(str(new_track))
    assert favorites.get_tracks_count() == 150
    album_id = next(a for a in catalog.albums if a not in {f.id for f in catalog.favorite_albums})
    assert favorites.add_album([str(album_id)]) and album_id in [a.id for a in favorites.albums(limit=100)]


# -- streams and ISRC -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("track_quality", "requested", "mime", "codec"),
    [
        ("LOSSLESS", "HIGH", "application/vnd.tidal.bts", "MP4A"),
        ("LOSSLESS", "LOSSLESS", "application/vnd.tidal.bts", "FLAC"),
        ("HI_RES_LOSSLESS", "HI_RES_LOSSLESS", "application/dash+xml", "FLAC"),
        ("HIGH", "HI_RES_LOSSLESS", "application/vnd.tidal.bts", "MP4A"),
    ],
)
def test_streams_and_manifests(shared_session, shared_emu, track_quality, requested, mime, codec):
    track_id = next(t.id for t in shared_emu.state.catalog.tracks.values() if t.audio_quality == track_quality)
    shared_session.audio_quality = requested
    stream = shared_session.track(track_id).get_stream()
    manifest = stream.get_stream_manifest()
    assert stream.manifest_mime_type == mime and str(getattr(manifest.codecs, "value", manifest.codecs)) == codec
    assert manifest.urls and all(u.startswith(f"{shared_emu.url}/cdn/") and "?token=" in u for u in manifest.urls)
    if mime == "application/dash+xml":
        assert stream.bit_depth == 24 and stream.sample_rate in (96000, 192000)
        assert manifest.sample_rate == stream.sample_rate
        assert len(manifest.urls) > 20


def test_stream_url_and_errors(shared_session, shared_emu):
    catalog = shared_emu.state.catalog
    lossless = next(t.id for t in catalog.tracks.values() if t.audio_quality == "LOSSLESS")
    hires = next(t.id for t in catalog.tracks.values() if t.audio_quality == "HI_RES_LOSSLESS")
    shared_session.audio_quality = "LOSSLESS"
    assert shared_session.track(lossless).get_url().startswith(f"{shared_emu.url}/cdn/")
    shared_session.audio_quality = "HI_RES_LOSSLESS"
    with pytest.raises(requests.HTTPError) as info:
        shared_session.track(hires).get_url()
    assert info.value.response.json()["subStatus"] == 4005
    with pytest.raises(requests.HTTPError) as info:
        shared_session.request.request("GET", "tracks/1/playbackinfopostpaywall")
    assert info.value.response.json() == {"status": 500, "subStatus": 999, "userMessage": "Unexpected error occurred."}


def test_tracks_by_isrc_and_albums_by_barcode(shared_session, shared_emu):
    catalog = shared_emu.state.catalog
    track = next(iter(catalog.tracks.values()))
    assert [t.id for t in shared_session.get_tracks_by_isrc(track.isrc)] == [track.id]
    with pytest.raises(ObjectNotFound):
        shared_session.get_tracks_by_isrc("ZZZZZ0000000")
    with pytest.raises(InvalidISRC):
        shared_session.get_tracks_by_isrc("BAD")
    album = next(iter(catalog.albums.values()))
    assert [a.id for a in shared_session.get_albums_by_barcode(album.upc)] == [album.id]


# -- rate limiting and counters -------------------------------------------------------------


def test_429_maps_to_too_many_requests_with_retry_after(session, control):
    control.post("faults", {"rate_limit": 0.01, "retry_after": 7})
    track_id = control.get("catalog")["track_ids"][0]
    session.track(track_id)  # the bucket's single token
    with pytest.raises(TooManyRequests) as info:
        session.track(track_id)
    assert info.value.retry_after == 7
    response = session.request.latest_err_response
    assert response.headers["Retry-After"] == "7"
    assert response.json() == {"status": 429, "subStatus": -1, "userMessage": "Rate limit exceeded"}


def test_counters_follow_tidalapi_traffic(session, control):
    control.post("reset")
    track_id = control.get("catalog")["track_ids"][9]
    session.track(track_id)
    session.track(track_id)
    with pytest.raises(ObjectNotFound):
        session.track(123)
    counters = control.get("counters")
    assert counters["total"] == 3
    assert counters["routes"] == {"GET /v1/tracks/{id}": 3}
    assert counters["paths"] == {f"GET /v1/tracks/{track_id}": 2, "GET /v1/tracks/123": 1}
    assert counters["statuses"] == {"200": 2, "404": 1} and counters["rate_limited"] == 0
    control.post("reset")
    assert control.get("counters") == {"total": 0, "routes": {}, "paths": {}, "statuses": {}, "rate_limited": 0}


def test_same_seed_serves_identical_objects_to_tidalapi(make_emu):
    first, second = make_emu(seed=11), make_emu(seed=11)
    sessions = [logged_in_session(e) for e in (first, second)]
    catalog = Control(first.url).get("catalog")
    assert catalog == Control(second.url).get("catalog")
    track_id, album_id = catalog["track_ids"][100], catalog["album_ids"][20]
    tracks = [s.track(track_id) for s in sessions]
    assert [(t.name, t.isrc, t.duration, t.album.id) for t in tracks][0] == (
        tracks[1].name,
        tracks[1].isrc,
        tracks[1].duration,
        tracks[1].album.id,
    )
    album_tracks = [[t.id for t in s.album(album_id).tracks()] for s in sessions]
    assert album_tracks[0] == album_tracks[1]
    assert make_emu(seed=12).state.catalog.tracks.keys() != first.state.catalog.tracks.keys()


def test_v2_favorite_playlists_add_remove_and_visibility(session, emu, control):
    favorites = session.user.favorites
    seeded = favorites.playlists()
    catalog = emu.state.catalog
    assert len(seeded) == 4 + len(catalog.favorite_playlists)
    editorial = next(
        p.uuid
        for p in catalog.playlists.values()
        if p.creator_id == 0 and p.uuid not in {f.id for f in catalog.favorite_playlists}
    )
    assert favorites.add_playlist(editorial)
    assert editorial in [p.id for p in favorites.playlists()]
    assert favorites.remove_playlist(editorial)
    assert editorial not in [p.id for p in favorites.playlists()]
    own = session.playlist(own_playlist_uuid(control, 12))
    assert own.set_playlist_public() and session.playlist(own.id).public is True
    assert own.set_playlist_private() and session.playlist(own.id).public is False


def test_v2_folder_listing_ignores_offset_like_the_real_api(session):
    raw = session.request.request(
        "GET",
        "my-collection/playlists/folders",
        base_url=session.config.api_v2_location,
        params={"folderId": "root", "limit": 2, "offset": 2, "includeOnly": "PLAYLIST"},
    ).json()
    first = session.request.request(
        "GET",
        "my-collection/playlists/folders",
        base_url=session.config.api_v2_location,
        params={"folderId": "root", "limit": 2, "includeOnly": "PLAYLIST"},
    ).json()
    assert [i["trn"] for i in raw["items"]] == [i["trn"] for i in first["items"]]
    assert first["cursor"] and first["cursor"] != "2"  # opaque, not an offset
    following = session.request.request(
        "GET",
        "my-collection/playlists/folders",
        base_url=session.config.api_v2_location,
        params={"folderId": "root", "limit": 2, "cursor": first["cursor"], "includeOnly": "PLAYLIST"},
    ).json()
    assert not {i["trn"] for i in following["items"]} & {i["trn"] for i in first["items"]}


def test_add_at_position_with_duplicates_and_merge(session, control):
    key = own_playlist_uuid(control, 12)
    playlist = session.playlist(key)
    before = control.get(f"snapshot/playlist/{key}")["trackIds"]
    duplicate = str(before[5])
    assert playlist.add([duplicate], allow_duplicates=True, position=2) == [before[5]]
    after = control.get(f"snapshot/playlist/{key}")["trackIds"]
    assert after == before[:2] + [before[5]] + before[2:]
    assert playlist.move_by_indices([0, 1], 5)
    moved = control.get(f"snapshot/playlist/{key}")["trackIds"]
    assert moved == after[2:5] + after[:2] + after[5:]
    source = own_playlist_uuid(control, 60)
    added = playlist.merge(source)
    source_ids = control.get(f"snapshot/playlist/{source}")["trackIds"]
    assert added == [t for t in source_ids if t not in moved]
    assert playlist.num_tracks == len(moved) + len(added)


def test_album_similar(shared_session, shared_emu):
    catalog = shared_emu.state.catalog
    album = next(a for a in catalog.albums.values() if catalog.similar_artists[a.credits[0].artist_id])
    similar = shared_session.album(album.id).similar()
    similar_artists = set(catalog.similar_artists[album.credits[0].artist_id])
    assert similar and all({x.id for x in a.artists} & similar_artists for a in similar)
