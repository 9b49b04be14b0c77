"""The rules that merge seed radios into recommendations (mcp_front/recommend.py)."""

from __future__ import annotations

import doctest

from mcp_front import recommend
from mcp_front.recommend import Filters, merge, rejection


def _track(
    ident: int, artist: int, *, year: str = "2015", duration: int = 200, explicit: bool = False, available: bool = True
) -> dict:
    return {
        "id": ident,
        "artists": [{"id": artist}],
        "duration_s": duration,
        "explicit": explicit,
        "available": available,
        "stream_start_date": f"{year}-01-01T00:00:00",
    }


def test_the_docstring_example_holds():
    assert doctest.testmod(recommend).failed == 0


def test_each_filter_names_itself():
    assert rejection(_track(1, 2), Filters(exclude_track_ids=frozenset({1}))) == "excluded_track"
    assert rejection(_track(1, 2), Filters(exclude_artist_ids=frozenset({2}))) == "excluded_artist"
    assert rejection(_track(1, 2, available=False), Filters()) == "unavailable"
    assert rejection(_track(1, 2, explicit=True), Filters(explicit=False)) == "explicit"
    assert rejection(_track(1, 2, year="1999"), Filters(year_from=2000)) == "year"
    assert rejection(_track(1, 2, year="2021"), Filters(year_to=2020)) == "year"
    assert rejection({**_track(1, 2), "stream_start_date": None}, Filters(year_from=2000)) == "year"
    assert rejection(_track(1, 2, duration=90), Filters(min_duration_s=120)) == "duration"
    assert rejection(_track(1, 2, duration=900), Filters(max_duration_s=600)) == "duration"
    assert (
        rejection(
            _track(1, 2, year="2020", duration=200),
            Filters(year_from=2020, year_to=2020, min_duration_s=200, max_duration_s=200),
        )
        is None
    )


def test_shared_tracks_rank_first_and_each_artist_is_capped():
    radios = {
        "track:1": [_track(10, 7), _track(11, 7), _track(12, 7), _track(13, 8)],
        "artist:8": [_track(13, 8), _track(14, 8), _track(12, 7)],
    }
    kept, seen, dropped = merge(radios, Filters(max_per_artist=2))
    assert [(t["id"], t["seeds"]) for t in kept] == [
        (13, ["track:1", "artist:8"]),
        (12, ["track:1", "artist:8"]),
        (10, ["track:1"]),
        (14, ["artist:8"]),
    ]
    assert seen == 5 and dropped == {"max_per_artist": 1}
