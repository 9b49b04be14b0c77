"""Merging seed radios into recommendations: de-duplication, seed attribution, filters, ranking.

Pure functions over plain track dicts, so the tool stays a thin declaration and the rules are
unit-tested on their own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Filters:
    """What a recommended track must satisfy (``None``: no bound)."""

    year_from: int | None = None
    year_to: int | None = None
    min_duration_s: int | None = None
    max_duration_s: int | None = None
    explicit: bool | None = None
    exclude_track_ids: frozenset[int] = field(default_factory=frozenset)
    exclude_artist_ids: frozenset[int] = field(default_factory=frozenset)
    max_per_artist: int | None = None
    available_only: bool = True


def _year(track: dict[str, Any]) -> int | None:
    date = track.get("stream_start_date")
    return int(date[:4]) if date and date[:4].isdigit() else None


def rejection(track: dict[str, Any], filters: Filters) -> str | None:
    """The name of the first filter ``track`` fails, or None when it passes them all."""
    if track["id"] in filters.exclude_track_ids:
        return "excluded_track"
    if any(a["id"] in filters.exclude_artist_ids for a in track.get("artists") or []):
        return "excluded_artist"
    if filters.available_only and not track.get("available", True):
        return "unavailable"
    if filters.explicit is not None and bool(track.get("explicit")) != filters.explicit:
        return "explicit"
    year = _year(track)
    if (filters.year_from is not None or filters.year_to is not None) and year is None:
        return "year"
    if year is not None and (
        (filters.year_from is not None and year < filters.year_from)
        or (filters.year_to is not None and year > filters.year_to)
    ):
        return "year"
    duration = track.get("duration_s") or 0
    if (filters.min_duration_s is not None and duration < filters.min_duration_s) or (
        filters.max_duration_s is not None and duration > filters.max_duration_s
    ):
        return "duration"
    return None


def merge(radios: dict[str, list[dict[str, Any]]], filters: Filters) -> tuple[list[dict[str, Any]], int, Counter]:
    """Merge seed radios (``{"track:1": [track, ...]}``) into ranked, filtered recommendations.

    Each track appears once, with every seed whose radio holds it; tracks held by more seeds rank
    first, then by their best position in any radio. Returns (tracks, distinct tracks seen, count of
    tracks removed by each filter).

    >>> t = lambda i, a: {"id": i, "artists": [{"id": a}], "duration_s": 200, "available": True}
    >>> ranked, seen, dropped = merge({"track:1": [t(5, 9), t(6, 9)], "artist:9": [t(6, 9)]}, Filters())
    >>> [(r["id"], r["seeds"]) for r in ranked], seen
    ([(6, ['track:1', 'artist:9']), (5, ['track:1'])], 2)
    """
    found: dict[int, dict[str, Any]] = {}
    best: dict[int, int] = {}
    for seed, tracks in radios.items():
        for position, track in enumerate(tracks):
            entry = found.setdefault(track["id"], {**track, "seeds": []})
            if seed not in entry["seeds"]:
                entry["seeds"].append(seed)
            best[track["id"]] = min(best.get(track["id"], position), position)
    ranked = sorted(found.values(), key=lambda t: (-len(t["seeds"]), best[t["id"]], t["id"]))
    dropped: Counter = Counter()
    per_artist: Counter = Counter()
    kept: list[dict[str, Any]] = []
    for track in ranked:
        reason = rejection(track, filters)
        main = (track.get("artists") or [{"id": None}])[0]["id"]
        if reason is None and filters.max_per_artist is not None and per_artist[main] >= filters.max_per_artist:
            reason = "max_per_artist"
        if reason is not None:
            dropped[reason] += 1
            continue
        per_artist[main] += 1
        kept.append(track)
    return kept, len(found), dropped
