"""``tidal-mcp cache``: what the shared cache holds, by kind, and dropping a kind or one key.

    tidal-mcp cache [--json]              entries and bytes per kind, Redis memory in use
    tidal-mcp cache drop KIND [--json]    every entry of one kind (e.g. ``playlist`` after editing in the app)
    tidal-mcp cache drop-key KEY          one entry (``tidal:track:77646170``)

Only cache entries are ever touched: the kinds come from the job catalog (operations that cache, and
batch items), never the pool's own keys (logins, queues, budget, jobs, snapshots).
"""

from __future__ import annotations

from typing import Any

import redis

from shared.catalog import OPERATIONS
from shared.catalog.batch import KINDS as BATCH_KINDS
from shared.ops.progress import Progress

#: Every kind of cache entry, ``tidal:<kind>:<id>``.
CACHE_KINDS = frozenset(
    {op.cache_kind for op in OPERATIONS.values() if op.ttl > 0} | {kind.item_kind for kind in BATCH_KINDS.values()}
)
SCAN_BATCH = 1000


class CacheAdminError(ValueError):
    """A kind or key that is not a cache entry's."""


def _keys(client: redis.Redis, kind: str) -> list[bytes]:
    return list(client.scan_iter(f"tidal:{kind}:*", count=SCAN_BATCH))


def stats(client: redis.Redis, progress: Progress | None = None) -> dict[str, Any]:
    """Entries and bytes (``MEMORY USAGE``) per kind, and Redis's own memory figures."""
    kinds: dict[str, dict[str, int]] = {}
    for kind in sorted(CACHE_KINDS):
        if progress is not None:
            progress.advance()
        keys = _keys(client, kind)
        if not keys:
            continue
        size = 0
        for start in range(0, len(keys), SCAN_BATCH):
            pipe = client.pipeline(transaction=False)
            for key in keys[start : start + SCAN_BATCH]:
                pipe.memory_usage(key)
            size += sum(n or 0 for n in pipe.execute())
        kinds[kind] = {"entries": len(keys), "bytes": size}
    memory = client.info("memory")
    return {
        "kinds": kinds,
        "entries": sum(k["entries"] for k in kinds.values()),
        "bytes": sum(k["bytes"] for k in kinds.values()),
        "redis_used_memory": memory.get("used_memory"),
        "redis_maxmemory": memory.get("maxmemory"),
    }


def drop_kind(client: redis.Redis, kind: str, progress: Progress | None = None) -> int:
    """Delete every entry of ``kind``; the number deleted."""
    if kind not in CACHE_KINDS:
        raise CacheAdminError(f"{kind!r} is not a cache kind; kinds: {', '.join(sorted(CACHE_KINDS))}")
    keys = _keys(client, kind)
    if progress is not None:
        progress.total = len(keys)
    for start in range(0, len(keys), SCAN_BATCH):
        batch = keys[start : start + SCAN_BATCH]
        client.delete(*batch)
        if progress is not None:
            progress.advance(len(batch))
    return len(keys)


def drop_key(client: redis.Redis, key: str) -> int:
    """Delete one entry (1 if it existed)."""
    parts = key.split(":", 2)
    if len(parts) != 3 or parts[0] != "tidal" or parts[1] not in CACHE_KINDS or not parts[2]:
        raise CacheAdminError(
            f"{key!r} is not a cache key (tidal:<kind>:<id>, kinds: {', '.join(sorted(CACHE_KINDS))})"
        )
    return int(client.delete(key))


def render(report: dict[str, Any]) -> str:
    """``stats`` as a table for a terminal."""
    lines = [f"{'kind':<20} {'entries':>9} {'KiB':>10}"]
    for kind, row in report["kinds"].items():
        lines.append(f"{kind:<20} {row['entries']:>9} {row['bytes'] / 1024:>10.1f}")
    lines.append(f"{'total':<20} {report['entries']:>9} {report['bytes'] / 1024:>10.1f}")
    used = report.get("redis_used_memory")
    if used is not None:
        limit = report.get("redis_maxmemory") or 0
        lines.append(f"Redis uses {used / 1048576:.1f} MiB" + (f" of {limit / 1048576:.0f} MiB" if limit else ""))
    return "\n".join(lines)
