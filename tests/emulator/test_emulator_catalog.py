"""The seeded catalog: deterministic per seed, and realistic enough to exercise clients."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
import requests

from tests.fake_tidal import EmulatorOptions, FakeTidal, shapes
from tests.fake_tidal.catalog import Catalog, build_catalog
from tests.fake_tidal.control import snapshot
from tests.fake_tidal.state import State

ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")


def catalog_json(catalog: Catalog) -> str:
    """Every object the catalog can serve, as one canonical JSON document."""
    state = State(EmulatorOptions(seed=catalog.seed))
    state.catalog = catalog
    state.reset_mutable()
    document = {
        "tracks": [shapes.track_json(catalog, t) for t in catalog.tracks.values()],
        "albums": [snapshot(state, "album", str(a)) for a in catalog.albums],
        "artists": [snapshot(state, "artist", str(a)) for a in catalog.artists],
        "playlists": [snapshot(state, "playlist", p) for p in catalog.playlists],
        "user": shapes.user_json(catalog.user),
        "favorites": [f.__dict__ for f in catalog.favorite_tracks + catalog.favorite_albums + catalog.favorite_artists],
    }
    return json.dumps(document, sort_keys=False)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog(42)


def test_same_seed_gives_byte_identical_json():
    first = build_catalog.__wrapped__(42)  # bypass the cache: two independent builds
    second = build_catalog.__wrapped__(42)
    assert first is not second
    assert catalog_json(first) == catalog_json(second)
    assert catalog_json(build_catalog.__wrapped__(43)) != catalog_json(first)


def test_two_emulators_with_one_seed_serve_the_same_objects():
    with FakeTidal(EmulatorOptions(seed=5)) as one, FakeTidal(EmulatorOptions(seed=5)) as two:
        summaries = [requests.get(f"{e.url}/_control/catalog", timeout=10).json() for e in (one, two)]
        assert summaries[0] == summaries[1]
        album_id = summaries[0]["album_ids"][11]
        bodies = [requests.get(f"{e.url}/_control/snapshot/album/{album_id}", timeout=10).content for e in (one, two)]
        assert bodies[0] == bodies[1]


def test_sizes_and_id_ranges(catalog):
    assert len(catalog.tracks) >= 2000 and len(catalog.albums) >= 200 and len(catalog.artists) >= 100
    for ids, floor in ((catalog.tracks, 10_000_000), (catalog.albums, 5_000_000), (catalog.artists, 3_000_000)):
        ordered = sorted(ids)
        assert ordered[0] > floor
        assert any(b - a > 1 for a, b in zip(ordered, ordered[1:], strict=False))  # not one consecutive block
    albums_and_artists = set(catalog.albums) | set(catalog.artists)
    assert len(albums_and_artists) == len(catalog.albums) + len(catalog.artists)


def test_track_metadata_is_realistic(catalog):
    tracks = list(catalog.tracks.values())
    isrcs = [t.isrc for t in tracks]
    assert all(ISRC.match(i) for i in isrcs) and len(set(isrcs)) == len(isrcs)
    assert all(90 <= t.duration <= 480 and 0 <= t.popularity <= 100 for t in tracks)
    assert set(Counter(t.audio_quality for t in tracks)) == {"LOW", "HIGH", "LOSSLESS", "HI_RES_LOSSLESS"}
    assert any(t.explicit for t in tracks) and not all(t.explicit for t in tracks)
    roles = Counter(c.role for t in tracks for c in t.credits)
    assert roles["MAIN"] >= len(tracks) and roles["FEATURED"] > 50
    for track in tracks[:300]:
        obj = shapes.track_json(catalog, track)
        assert obj["mediaMetadata"]["tags"] == shapes.MEDIA_TAGS[obj["audioQuality"]]
    assert len({a.upc for a in catalog.albums.values()}) == len(catalog.albums)


def test_titles_share_words_so_searches_hit_several_kinds(catalog):
    word = "night"
    assert sum(word in t.title.lower() for t in catalog.tracks.values()) >= 20
    assert sum(word in a.title.lower() for a in catalog.albums.values()) >= 3


def test_albums_number_their_tracks_per_volume(catalog):
    assert any(a.number_of_volumes == 2 for a in catalog.albums.values())
    for album in catalog.albums.values():
        tracks = [catalog.tracks[t] for t in album.track_ids]
        assert all(t.album_id == album.id for t in tracks)
        for volume in range(1, album.number_of_volumes + 1):
            numbers = [t.track_number for t in tracks if t.volume_number == volume]
            assert numbers == list(range(1, len(numbers) + 1))
        assert album.duration == sum(t.duration for t in tracks)


def test_every_artist_has_albums_and_top_tracks(catalog):
    for artist_id in catalog.artists:
        assert catalog.albums_by_artist.get(artist_id), artist_id
        assert catalog.tracks_by_artist.get(artist_id), artist_id


def test_user_playlists_editorials_and_favorites(catalog):
    own = sorted(len(p.items) for p in catalog.playlists.values() if p.creator_id == catalog.user.id)
    assert own == [0, 12, 60, 230]
    editorial = [p for p in catalog.playlists.values() if p.creator_id == 0]
    assert len(editorial) >= 3 and all(p.playlist_type == "EDITORIAL" and p.public for p in editorial)
    assert len(catalog.favorite_tracks) >= 120 and catalog.favorite_albums and catalog.favorite_artists
    for playlist in catalog.playlists.values():
        assert len({i.track_id for i in playlist.items}) == len(playlist.items)  # no duplicates seeded
