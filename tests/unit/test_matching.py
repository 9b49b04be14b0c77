"""Matching free-text lines to tracks, on hand-written candidates (the search is the test's own list)."""

from __future__ import annotations

import pytest

from shared.models import ArtistRef, Track
from workers.matching import THRESHOLD, Wanted, match_line, parse_line, score


def track(ident: int, title: str, artists: list[str], version: str | None = None, popularity: int = 50) -> Track:
    return Track(
        id=ident,
        title=title,
        version=version,
        duration_s=200,
        track_number=1,
        volume_number=1,
        explicit=False,
        popularity=popularity,
        available=True,
        url=f"https://tidal.com/browse/track/{ident}",
        artists=[ArtistRef(id=i + 1, name=n) for i, n in enumerate(artists)],
    )


LIBRARY = [
    track(1, "Get Lucky (feat. Pharrell Williams)", ["Daft Punk", "Pharrell Williams"], popularity=90),
    track(2, "Get Lucky", ["Daft Punk"], version="Live", popularity=40),
    track(3, "Get Lucky", ["Some Cover Band"], popularity=70),
    track(4, "Karma Police", ["Radiohead"], popularity=80),
    track(5, "Karma Police", ["Radiohead"], version="Remastered 2017", popularity=60),
]


def search(query: str) -> list[Track]:
    words = query.lower().split()
    return [t for t in LIBRARY if all(w in f"{t.title} {t.version or ''} {t.artists[0].name}".lower() for w in words)]


@pytest.mark.parametrize(
    ("line", "wanted"),
    [
        ("Daft Punk - Get Lucky", Wanted("Get Lucky", "Daft Punk")),
        ("Get Lucky by Daft Punk", Wanted("Get Lucky", "Daft Punk")),
        ("Radiohead – Karma Police (OK Computer, 1997)", Wanted("Karma Police", "Radiohead", "OK Computer", "1997")),
        ("  Karma   Police ", Wanted("Karma Police")),
    ],
)
def test_lines_are_parsed(line, wanted):
    assert parse_line(line) == wanted


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Daft Punk - Get Lucky", 1),  # the featured credit is not needed
        ("Daft Punk feat. Pharrell - Get Lucky", 1),
        ("Daft Punk - Get Lucky (Live)", 2),  # the version asked wins
        ("Daft Pnuk - Get Lucky", 1),  # a typo in the artist
        ("Radiohead - Karma Police", 4),  # no remaster unless asked
        ("Radiohead - Karma Police (Remastered 2017)", 5),
    ],
)
def test_the_best_track_is_chosen_with_a_runner_up(line, expected):
    match = match_line(line, search)
    assert match.track is not None and match.track.id == expected, match
    assert match.confidence >= THRESHOLD and match.runner_up is not None
    assert match.runner_up_confidence is not None and match.runner_up_confidence <= match.confidence


def test_below_the_threshold_nothing_is_chosen_but_the_candidate_is_shown():
    match = match_line("Metallica - Get Lucky", search)  # the title exists, by other artists
    assert match.track is None and match.candidate is not None and match.confidence < THRESHOLD
    assert "not a confident match" in (match.reason or "")
    nothing = match_line("Zyxwv - Qwerty", search)
    assert nothing.track is None and nothing.candidate is None and "found nothing" in (nothing.reason or "")


def test_a_version_clash_costs_more_than_popularity_gains():
    studio, live = LIBRARY[0], LIBRARY[1]
    assert score(Wanted("Get Lucky", "Daft Punk"), studio) > score(Wanted("Get Lucky", "Daft Punk"), live)
