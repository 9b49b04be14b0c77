"""Recorded answers made short and stable: what changes from one recording to the next becomes a placeholder.

* ids minted while recording (job ids, snapshot ids, uuids the seeded catalog does not have) become
  numbered placeholders, the same real id always the same placeholder within one example;
* times within two hours of the call become a fixed instant plus the offset from the call, rounded to
  15 minutes (``expires_at`` an hour after the call stays an hour after it);
* signed media URLs lose their signature and the emulator's address (``https://<cdn host>/...``);
* then lists are cut to their first :data:`KEEP_ITEMS` items and long strings to :data:`KEEP_CHARS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

KEEP_ITEMS = 2
KEEP_CHARS = 160
LONG_STRING = 240
ROUND_TO = timedelta(minutes=15)
WINDOW = timedelta(hours=2)
#: Every time minted while recording is shown as this instant plus its rounded offset from the call.
BASE_TIME = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

_JOB_ID = re.compile(r"\bb[0-9a-f]{16}\b")
_SNAPSHOT_ID = re.compile(r"\b([0-9a-f]{8})-[0-9a-f]{8}\b(?!-)")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_TIME = re.compile(r"\b(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")
_SIGNATURE = re.compile(r"(token=)[^&\"'\s<>]+")


class Placeholders:
    """Real values minted at recording time -> stable stand-ins, numbered in order of appearance."""

    def __init__(self, known_uuids: Iterable[str], shown: dict[str, str] | None = None) -> None:
        self.known = {u.lower() for u in known_uuids}
        self.shown: dict[str, str] = dict(shown or {})
        self.counts: dict[str, int] = {}

    def _next(self, kind: str, make: Callable[[int], str]) -> str:
        taken = set(self.shown.values())
        while True:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            candidate = make(self.counts[kind])
            if candidate not in taken:
                return candidate

    def replace(self, text: str) -> str:
        def job(match: re.Match[str]) -> str:
            return self._stand_in(match.group(0), "job", lambda n: f"b{n:016x}")

        def snapshot(match: re.Match[str]) -> str:
            return self._stand_in(match.group(0), "snapshot", lambda n: f"{match.group(1)}-{n:08x}")

        def uuid(match: re.Match[str]) -> str:
            if match.group(0).lower() in self.known:
                return match.group(0)
            return self._stand_in(match.group(0), "uuid", lambda n: f"00000000-0000-4000-8000-{n:012x}")

        return _UUID.sub(uuid, _SNAPSHOT_ID.sub(snapshot, _JOB_ID.sub(job, text)))

    def _stand_in(self, real: str, kind: str, make: Callable[[int], str]) -> str:
        if real not in self.shown:
            self.shown[real] = self._next(kind, make)
        return self.shown[real]


def _parse(date: str, clock: str, fraction: str | None, zone: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(f"{date}T{clock}{fraction or ''}")
    except ValueError:
        return None
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        moment -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return moment.replace(tzinfo=UTC)


def stable_times(text: str, called_at: datetime) -> str:
    """Times near ``called_at`` as :data:`BASE_TIME` plus their offset, in the same written format."""

    def shift(match: re.Match[str]) -> str:
        date, clock, fraction, zone = match.groups()
        moment = _parse(date, clock, fraction, zone)
        if moment is None or abs(moment - called_at) > WINDOW:
            return match.group(0)
        steps = round((moment - called_at) / ROUND_TO)
        shown = BASE_TIME + steps * ROUND_TO
        out = shown.strftime("%Y-%m-%d") + match.group(0)[10] + shown.strftime("%H:%M:%S")
        if fraction:
            out += "." + "0" * (len(fraction) - 1)
        return out + (zone or "")

    return _TIME.sub(shift, text)


def strip_signatures(text: str, emulator_url: str) -> str:
    """Signed URLs without their signature, pointing at the real CDN host instead of the emulator."""
    text = text.replace(f"{emulator_url}/cdn/", "https://").replace(emulator_url, "https://api.tidal.com")
    return _SIGNATURE.sub(r"\1SIGNED", text)


def map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """``value`` with ``change`` applied to every string in it, keys included."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [map_strings(item, change) for item in value]
    if isinstance(value, dict):
        return {change(key): map_strings(item, change) for key, item in value.items()}
    return value


def shorten(value: Any) -> Any:
    """Lists cut to their first items plus a note of how many were cut; long strings cut."""
    if isinstance(value, str) and len(value) > LONG_STRING:
        return f"{value[:KEEP_CHARS]}… ({len(value) - KEEP_CHARS} more characters)"
    if isinstance(value, list):
        kept = [shorten(item) for item in value[:KEEP_ITEMS]]
        cut = len(value) - KEEP_ITEMS
        return kept + [f"… {cut} more item{'s' if cut > 1 else ''}"] if cut > 0 else kept
    if isinstance(value, dict):
        return {key: shorten(item) for key, item in value.items()}
    return value


def stabilize(value: Any, *, placeholders: Placeholders, called_at: datetime, emulator_url: str) -> Any:
    """Everything above, in order: signatures, minted ids, times, then cutting."""
    value = map_strings(value, lambda text: strip_signatures(text, emulator_url))
    value = map_strings(value, placeholders.replace)
    value = map_strings(value, lambda text: stable_times(text, called_at))
    return shorten(value)
