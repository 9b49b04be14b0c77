"""Every example id a user reads (tool descriptions, the demo's help, README, docs) exists in the demo."""

from __future__ import annotations

import re
from pathlib import Path

from mcp_front import examples

ROOT = Path(__file__).resolve().parents[2]
ID_PATTERNS = {
    "track_ids": r"track_id[`\"']?\s*(?:=|:|\bwith\b|\s)\s*[`\"']?(\d{5,})|track (\d{7,})",
    "album_ids": r"album_id[`\"']?\s*(?:=|:|\bwith\b|\s)\s*[`\"']?(\d{5,})|album (\d{7,})",
    "artist_ids": r"artist_id[`\"']?\s*(?:=|:|\bwith\b|\s)\s*[`\"']?(\d{5,})",
}


def documented_ids(kind: str) -> set[int]:
    found = set()
    for path in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        for match in re.finditer(ID_PATTERNS[kind], path.read_text()):
            found.add(int(next(group for group in match.groups() if group)))
    return found


def test_the_example_ids_exist_in_the_demos_catalog(catalog):
    assert examples.EXAMPLE_TRACK_ID in catalog["track_ids"]
    assert examples.EXAMPLE_ALBUM_ID in catalog["album_ids"]
    assert examples.EXAMPLE_ARTIST_ID in catalog["artist_ids"]
    assert examples.EXAMPLE_PLAYLIST_UUID in catalog["user_playlist_uuids"]


def test_ids_written_in_the_readme_and_docs_exist_in_the_demos_catalog(catalog):
    for kind in ID_PATTERNS:
        ids = documented_ids(kind)
        missing = ids - set(catalog[kind])
        assert not missing, f"{kind} in README/docs not in the demo's catalog: {sorted(missing)}"
    assert documented_ids("track_ids"), "the docs show at least one track id"
