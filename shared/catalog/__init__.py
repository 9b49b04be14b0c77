"""The job catalog: every TIDAL operation the pool runs, by name; one module of entries per area.

This is the one place both sides agree on (:class:`Operation` says how). Areas mirror
``workers/jobs/<area>.py`` and ``mcp_front/tools/<area>.py`` (DESIGN §7).
"""

from shared.catalog import (
    albums,
    artists,
    auth,
    batch,
    discovery,
    favorites,
    folders,
    mixes,
    playlists,
    search,
    streams,
    tracks,
    users,
)
from shared.catalog.operation import HOUR, MINUTE, Operation, canonical_json

AREAS = (auth, tracks, albums, artists, playlists, folders, favorites, search, batch, streams, mixes, users, discovery)
OPERATIONS: dict[str, Operation] = {op.name: op for area in AREAS for op in area.OPERATIONS}

#: Dotted paths of every job function: the only functions a worker agrees to run.
JOB_FUNCTIONS = frozenset(op.func for op in OPERATIONS.values())

#: Key prefixes of every entry the front reads from the cache (``tidal:<kind>:``), for the near cache's tracking.
CACHE_PREFIXES = tuple(sorted({f"tidal:{op.cache_kind}:" for op in OPERATIONS.values() if op.ttl}))

__all__ = ["CACHE_PREFIXES", "HOUR", "JOB_FUNCTIONS", "MINUTE", "OPERATIONS", "Operation", "canonical_json"]
