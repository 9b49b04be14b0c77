"""Batch chunk jobs: up to twenty ids or codes per job, one openapi v2 multi-get each.

Every item is cached on its own (found: the summary for 6 h; not found: 5 min), then the chunk's
answer is filed with every batch waiting on it (:func:`shared.batches.file_chunk`). A chunk whose
batches were all cancelled does not call TIDAL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tidalapi
from tidalapi.exceptions import ObjectNotFound
from tidalapi.media import Track

from shared import batches, models
from shared.catalog import OPERATIONS
from shared.catalog.batch import (
    ALBUMS,
    ARTISTS,
    BARCODES,
    ISRCS,
    MATCHES,
    NOT_FOUND_TTL,
    TRACKS,
    BatchKind,
)
from shared.errors import InvalidRequest, NotFound, ok
from workers import matching, normalize, openapi
from workers import normalize_v2 as v2
from workers.runtime import current_context, expiring_ttl, tidal_job

MATCH_CANDIDATES = 10
Fetch = Callable[[list[str]], dict[str, dict]]


def _ids(values: list[str]) -> list[str]:
    if not all(v.isdigit() for v in values):
        raise InvalidRequest("ids must be digits")
    return values


def not_found(kind: BatchKind, value: str) -> NotFound:
    return NotFound(f"TIDAL has no {kind.label} {value} (or not in this account's country).")


def run_chunk(op_name: str, kind: BatchKind, values: list[str], fetch: Fetch) -> models.ChunkAnswer:
    """Fetch a chunk (unless every batch waiting on it was cancelled), cache each item, file the answer."""
    context = current_context()
    subs = batches.subs_key(OPERATIONS[op_name].args_digest({"values": values}))
    if batches.all_cancelled(context.redis, subs):
        answer = models.ChunkAnswer(failed={v: "cancelled before it ran" for v in values}, cancelled=True)
    else:
        try:
            found = fetch(values)
        except ObjectNotFound:  # a one-value chunk whose object is gone (a playlist deleted meanwhile)
            found = {}
        missing = [v for v in values if v not in found]
        recorded: dict[str, Any] = found
        if kind.volatile:
            for value, item in found.items():
                ttl = expiring_ttl(OPERATIONS[op_name], {**item}, context.settings, kind.item_ttl)
                context.cache.set(kind.item_key(value), ok(item), ttl, stale_ok=False)
            recorded = {value: None for value in found}  # the record keeps no credentials
        else:
            context.cache.set_many({kind.item_key(v): ok(item) for v, item in found.items()}, kind.item_ttl)
        context.cache.set_many({kind.item_key(v): not_found(kind, v).to_envelope() for v in missing}, NOT_FOUND_TTL)
        answer = models.ChunkAnswer(found=recorded, not_found=missing)
    batches.file_chunk(context.redis, subs, answer.model_dump(mode="json"))
    return answer


def _by_id(session: tidalapi.Session, collection: str, include: tuple[str, ...], build) -> Fetch:  # type: ignore[no-untyped-def]
    def fetch(values: list[str]) -> dict[str, dict]:
        doc = openapi.multi_get(session, collection, "id", _ids(values), include)
        return {r["id"]: build(r, doc).model_dump(mode="json") for r in doc.data if r["id"] in values}

    return fetch


@tidal_job("tracks.chunk")
def track_chunk(session: tidalapi.Session, values: list[str]) -> models.ChunkAnswer:
    """Up to 20 tracks by id (1 TIDAL request)."""
    return run_chunk("tracks.chunk", TRACKS, values, _by_id(session, "tracks", v2.TRACK_INCLUDE, v2.track_summary))


@tidal_job("albums.chunk")
def album_chunk(session: tidalapi.Session, values: list[str]) -> models.ChunkAnswer:
    """Up to 20 albums by id (1 TIDAL request)."""
    return run_chunk("albums.chunk", ALBUMS, values, _by_id(session, "albums", v2.ALBUM_INCLUDE, v2.album_summary))


@tidal_job("artists.chunk")
def artist_chunk(session: tidalapi.Session, values: list[str]) -> models.ChunkAnswer:
    """Up to 20 artists by id (1 TIDAL request)."""
    return run_chunk("artists.chunk", ARTISTS, values, _by_id(session, "artists", v2.ARTIST_INCLUDE, v2.artist_summary))


@tidal_job("isrc.chunk")
def isrc_chunk(session: tidalapi.Session, values: list[str]) -> models.ChunkAnswer:
    """The tracks of up to 20 ISRCs (1 TIDAL request)."""

    def fetch(codes: list[str]) -> dict[str, dict]:
        doc = openapi.multi_get(session, "tracks", "isrc", codes, v2.TRACK_INCLUDE)
        matches: dict[str, list[dict]] = {}
        for resource in doc.data:
            code = str((resource.get("attributes") or {}).get("isrc") or "").upper()
            if code in codes:
                matches.setdefault(code, []).append(v2.track_summary(resource, doc).model_dump(mode="json"))
        return {code: {"isrc": code, "tracks": tracks} for code, tracks in matches.items()}

    return run_chunk("isrc.chunk", ISRCS, values, fetch)


@tidal_job("barcode.chunk")
def barcode_chunk(session: tidalapi.Session, values: list[str]) -> models.ChunkAnswer:
    """The albums of up to 20 barcodes (1 TIDAL request)."""

    def fetch(codes: list[str]) -> dict[str, dict]:
        doc = openapi.multi_get(session, "albums", "barcodeId", codes, v2.ALBUM_INCLUDE)
        matches: dict[str, list[dict]] = {}
        for resource in doc.data:
            code = str((resource.get("attributes") or {}).get("barcodeId") or "")
            if code in codes:
                matches.setdefault(code, []).append(v2.album_summary(resource, doc).model_dump(mode="json"))
        return {code: {"barcode": code, "albums": albums} for code, albums in matches.items()}

    return run_chunk("barcode.chunk", BARCODES, values, fetch)


@tidal_job("match.chunk")
def match_chunk(session: tidalapi.Session, values: list[str]) -> models.ChunkAnswer:
    """Up to 10 free-text lines, each matched to a track (1 to 4 TIDAL searches a line)."""

    def search(query: str) -> list[models.Track]:
        found = session.search(query, models=[Track], limit=MATCH_CANDIDATES)
        return [normalize.track(t) for t in found["tracks"]]

    def fetch(lines: list[str]) -> dict[str, dict]:
        return {line: matching.match_line(line, search).model_dump(mode="json") for line in lines}

    return run_chunk("match.chunk", MATCHES, values, fetch)
