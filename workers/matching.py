"""Free-text song lines -> the best TIDAL track, with a confidence, a runner-up, and a refusal below a threshold.

A line is parsed into artist and title (and album/year when given): "Artist - Title", "Title by
Artist", "Artist – Title (Album, 1999)", "Title". Both sides are normalized (case, accents,
punctuation, "feat." credits, bracketed versions), candidates come from TIDAL's search (the cleaned
"artist title", then the title alone, then the artist with each of the title's two longest words,
until a confident match appears), and each candidate is scored:

* title similarity × (0.4 + 0.6 × the best artist similarity, rescaled so that below 0.5 counts
  as 0), each a blend of character similarity (misspellings) and word overlap (word order, extra
  words): the right title by the wrong artist stays below the threshold; with no artist given,
  0.9 × title similarity;
* a version clash (live, remix, acoustic, remaster, instrumental... on one side only) costs 20 %;
* a matching album or year adds 0.05 each.

Below :data:`THRESHOLD` no track is chosen ("refuse to guess"); the best candidate is still shown.

Example::

    match_line("Daft Punk - Get Lucky (feat. Pharrell)", search)   # LineMatch(track=..., confidence=0.97)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher

from shared import models

THRESHOLD = 0.6
MAX_QUERIES = 4
VERSION_WORDS = (
    "live",
    "remix",
    "acoustic",
    "remaster",
    "remastered",
    "instrumental",
    "demo",
    "edit",
    "mix",
    "version",
    "karaoke",
    "cover",
    "mono",
    "stereo",
    "unplugged",
)
_FEAT = re.compile(r"\s*[\(\[]?\s*\b(feat\.?|ft\.?|featuring|with)\s+[^\)\]]*[\)\]]?", re.IGNORECASE)
_BRACKETS = re.compile(r"[\(\[]([^\)\]]*)[\)\]]")
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_SEPARATORS = (" - ", " – ", " — ", " | ", ": ")

Search = Callable[[str], list[models.Track]]


@dataclass(frozen=True)
class Wanted:
    """What a line asks for."""

    title: str
    artist: str | None = None
    album: str | None = None
    year: str | None = None


def fold(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace("&", " and ")).split())


def core_title(title: str) -> str:
    """A title without featured credits and bracketed or dashed version notes."""
    title = _FEAT.sub(" ", title)
    title = _BRACKETS.sub(" ", title)
    title = re.split(r"\s+[-–—]\s+", title)[0]
    return fold(title)


def versions(text: str) -> set[str]:
    words = set(fold(text).split())
    found = {w for w in VERSION_WORDS if w in words}
    return {"remaster" if w == "remastered" else w for w in found}


def parse_line(line: str) -> Wanted:
    """Artist/title/album/year from one free-text line."""
    text = " ".join(line.split())
    year_match = _YEAR.search(text)
    year = year_match.group(0) if year_match else None
    album = None
    trailing = re.search(r"\(([^()]*),\s*((?:19|20)\d{2})\)\s*$", text)
    if trailing:  # "(Album, 1999)"
        album, text = trailing.group(1).strip(), text[: trailing.start()].strip()
    by = re.match(r"^(?P<title>.+?)\s+by\s+(?P<artist>.+)$", text, re.IGNORECASE)
    if by:
        return Wanted(by["title"].strip(), by["artist"].strip(), album, year)
    for sep in _SEPARATORS:
        if sep in text:
            artist, title = text.split(sep, 1)
            return Wanted(title.strip(), artist.strip(), album, year)
    return Wanted(text, None, album, year)


def _similar(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    chars = SequenceMatcher(None, a, b).ratio()
    wa, wb = set(a.split()), set(b.split())
    words = len(wa & wb) / max(len(wa), len(wb))
    return max(chars, 0.5 * chars + 0.5 * words)


def score(wanted: Wanted, track: models.Track) -> float:
    """How surely ``track`` is what ``wanted`` describes, 0..1."""
    title = _similar(core_title(wanted.title), core_title(track.title))
    if wanted.artist:
        asked = fold(_FEAT.sub(" ", wanted.artist))
        similar = max((_similar(asked, fold(a.name)) for a in track.artists), default=0.0)
        artist = max(0.0, (similar - 0.5) / 0.5)  # unrelated names still share letters: below half is none
        total = title * (0.4 + 0.6 * artist)  # the right title by the wrong artist is not a match
    else:
        total = 0.9 * title  # nothing to check the artist against
    if versions(wanted.title) != versions(f"{track.title} {track.version or ''}"):
        total *= 0.8
    if wanted.album and track.album and _similar(fold(wanted.album), fold(track.album.title)) > 0.8:
        total += 0.05
    if wanted.year and track.stream_start_date and track.stream_start_date.startswith(wanted.year):
        total += 0.05
    return round(max(0.0, min(1.0, total)), 3)


def queries(wanted: Wanted) -> list[str]:
    """Searches to try (at most :data:`MAX_QUERIES`), most specific first."""
    title = core_title(wanted.title)
    artist = fold(_FEAT.sub(" ", wanted.artist)) if wanted.artist else ""
    tried = [f"{artist} {title}".strip(), title]
    # a typo in one word defeats word search: try the other words, each with the artist
    for word in sorted(set(title.split()), key=len, reverse=True)[:2]:
        tried.append(f"{artist} {word}".strip())
    return list(dict.fromkeys(q for q in tried if q))[:MAX_QUERIES]


def match_line(line: str, search: Search) -> models.TrackMatch:
    """The best track for ``line`` (None below the threshold) and the runner-up."""
    wanted = parse_line(line)
    ranked: dict[int, tuple[float, models.Track]] = {}
    searched: list[str] = []
    for query in queries(wanted):
        searched.append(query)
        for track in search(query):
            ranked.setdefault(track.id, (score(wanted, track), track))
        if ranked and max(s for s, _ in ranked.values()) >= 0.85:
            break
    best = sorted(ranked.values(), key=lambda pair: (-pair[0], -(pair[1].popularity or 0), pair[1].id))
    first = best[0] if best else None
    second = best[1] if len(best) > 1 else None
    chosen = first is not None and first[0] >= THRESHOLD
    reason = None
    if first is None:
        reason = f"TIDAL found nothing for {searched}"
    elif not chosen:
        reason = f"best candidate scored {first[0]} < {THRESHOLD}: not a confident match"
    return models.TrackMatch(
        line=line,
        parsed={"title": wanted.title, "artist": wanted.artist, "album": wanted.album, "year": wanted.year},
        track=_summary(first[1]) if chosen and first else None,
        confidence=first[0] if first else 0.0,
        candidate=_summary(first[1]) if first and not chosen else None,
        runner_up=_summary(second[1]) if second else None,
        runner_up_confidence=second[0] if second else None,
        reason=reason,
    )


def _summary(track: models.Track) -> models.TrackSummary:
    return models.TrackSummary.model_validate(track.model_dump(mode="json"))
