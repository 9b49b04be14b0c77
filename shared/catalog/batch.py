"""Catalog entries: batch reads, split into chunks of :data:`BATCH_CHUNK` that run as separate jobs.

Each chunk job (queue ``tidal-batch``, served after interactive reads) fetches up to twenty ids or
codes with one openapi v2 multi-get and caches every item on its own, under the item key of its
:class:`BatchKind`. A chunk's arguments are its sorted values, so two calls that need the same
chunk share one job. The chunk's own envelope is not cached (ttl 0): the items are.

Example::

    TRACKS.item_key(58756128)    # "tidal:track-summary:58756128"
    TRACKS.full_key(58756128)    # "tidal:track:58756128" (a tidal_get_track entry answers too)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from shared.catalog.operation import HOUR, MINUTE, Operation
from shared.queueing import BATCH_QUEUE

BATCH_CHUNK = 20  # values per openapi filter: TIDAL answers 400 beyond
ITEM_TTL = 6 * HOUR
NOT_FOUND_TTL = 5 * MINUTE
_J = "workers.jobs.batch."


@dataclass(frozen=True)
class BatchKind:
    """One kind of batch read: its tool, its chunk operation, and where its items are cached."""

    tool: str
    chunk_op: str
    item_kind: str
    #: The single-object read whose cache entry also answers an item (None: none does).
    full_kind: str | None
    #: What a value is, for messages: "track id", "ISRC".
    label: str
    #: Values per chunk job, and the TIDAL requests one chunk costs at most (for the ETA).
    chunk_size: int = BATCH_CHUNK
    requests_per_chunk: int = 1
    #: Values are free text: their item keys use a digest.
    hashed: bool = False
    #: How long an answered item is cached.
    item_ttl: int = ITEM_TTL
    #: Items are credentials that expire (stream URLs): cached only until shortly before their
    #: ``expires_at``, and never copied into the job's record (a job shows them while the cache has them).
    volatile: bool = False

    def item_key(self, value: str | int) -> str:
        ident = hashlib.sha256(str(value).encode()).hexdigest()[:32] if self.hashed else value
        return f"tidal:{self.item_kind}:{ident}"

    def full_key(self, value: str | int) -> str | None:
        return f"tidal:{self.full_kind}:{value}" if self.full_kind else None


TRACKS = BatchKind("tidal_get_tracks", "tracks.chunk", "track-summary", "track", "track id")
ALBUMS = BatchKind("tidal_get_albums", "albums.chunk", "album-summary", "album", "album id")
ARTISTS = BatchKind("tidal_get_artists", "artists.chunk", "artist-summary", "artist", "artist id")
ISRCS = BatchKind("tidal_find_tracks_by_isrc", "isrc.chunk", "isrc", None, "ISRC")
BARCODES = BatchKind("tidal_find_albums_by_barcode", "barcode.chunk", "barcode", None, "barcode")
MATCHES = BatchKind(
    "tidal_match_tracks", "match.chunk", "match", None, "line", chunk_size=10, requests_per_chunk=20, hashed=True
)
EXPORT = BatchKind(
    "tidal_export_library",
    "export.chunk",
    "export-part",
    None,
    "part",
    chunk_size=1,
    requests_per_chunk=3,
    item_ttl=MINUTE,
)  # an export is a snapshot: reuse it a minute at most
STREAMS = BatchKind(
    "tidal_get_streams",
    "streams.chunk",
    "stream-item",
    None,
    "track",
    chunk_size=5,
    requests_per_chunk=5,
    item_ttl=30 * MINUTE,
    volatile=True,
)
KINDS = {kind.tool: kind for kind in (TRACKS, ALBUMS, ARTISTS, ISRCS, BARCODES, MATCHES, EXPORT, STREAMS)}


def _chunk(name: str, func: str, kind: str) -> Operation:
    return Operation(
        name=name, func=_J + func, queue=BATCH_QUEUE, cache_kind=kind, cache_id=None, ttl=0, timeout=120, negative_ttl=0
    )


OPERATIONS: tuple[Operation, ...] = (
    _chunk("tracks.chunk", "track_chunk", "track-summary"),
    _chunk("albums.chunk", "album_chunk", "album-summary"),
    _chunk("artists.chunk", "artist_chunk", "artist-summary"),
    _chunk("isrc.chunk", "isrc_chunk", "isrc"),
    _chunk("barcode.chunk", "barcode_chunk", "barcode"),
    _chunk("match.chunk", "match_chunk", "match"),
    Operation(
        name="streams.chunk",
        func="workers.jobs.streams.streams_chunk",
        queue=BATCH_QUEUE,
        cache_kind="stream-item",
        cache_id=None,
        ttl=0,
        timeout=120,
        negative_ttl=0,
    ),
    Operation(
        name="export.chunk",
        func="workers.jobs.exports.export_chunk",
        queue=BATCH_QUEUE,
        cache_kind="export-part",
        cache_id=None,
        ttl=0,
        timeout=300,
        negative_ttl=0,
    ),
)
