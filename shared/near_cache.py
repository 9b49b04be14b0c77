"""The front's in-process copy of hot cache entries, kept coherent with Redis by invalidation messages.

A cache hit through Redis costs the front a round trip and its parsing; a hot key read from this
process's memory costs a dictionary lookup. Coherence comes from Redis itself: the front's result
subscription turns on *client tracking* in broadcast mode for the cache's key prefixes
(``CLIENT TRACKING ON BCAST PREFIX tidal:track: ...``, RESP3), so every change to a cached key - a
worker's refresh, a write's invalidation, an operator's ``tidal-mcp cache drop``, ``FLUSHALL``,
expiry - arrives as an ``invalidate`` push on the same connection that carries job results, *before*
the result of the write that caused it. A write through any front is
therefore seen at once by the front that made it, and by the others as soon as Redis's push reaches
them (the same moment the writer's reply leaves Redis).

Rules that keep it safe:

* it is used only while the subscription is live and tracking is on (:meth:`enable`); a lost
  connection clears and disables it until tracking is back (:meth:`disable`);
* a value read from Redis is kept only if no invalidation of its key arrived while it was being
  read (:meth:`reading` hands out a token that an invalidation revokes);
* only *fresh* entries are kept, and only until their freshness ends; past it the read goes to
  Redis as before (stale answers keep their Redis-side rules);
* it is bounded: at most ``max_entries`` and ``max_bytes`` of stored (JSON) size, least recently used
  dropped first, and no entry whose stored form exceeds ``max_entry_bytes``.

Example::

    near = NearCache(["tidal:track:"], max_entries=10_000)
    near.enable()                      # Redis accepted the tracking command on the subscription
    token = near.reading("tidal:track:1")
    near.store("tidal:track:1", token, entry, size=812)
    near.get("tidal:track:1")          # the entry, while fresh and not invalidated
    near.invalidate([b"tidal:track:1"])
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence

from shared.cache import CacheEntry


class NearCache:
    """See module docstring."""

    def __init__(
        self,
        prefixes: Sequence[str],
        *,
        max_entries: int = 10_000,
        max_bytes: int = 16 * 1024 * 1024,
        max_entry_bytes: int = 256 * 1024,
    ) -> None:
        self.prefixes = tuple(sorted(set(prefixes)))
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.enabled = False
        self.hits = 0
        self.bytes = 0
        self._entries: OrderedDict[str, tuple[CacheEntry, float, int]] = OrderedDict()
        self._reads: dict[str, object] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> CacheEntry | None:
        """The entry if this process holds it, fresh and not invalidated since."""
        held = self._entries.get(key)
        if held is None:
            return None
        entry, fresh_until, _size = held
        if time.monotonic() >= fresh_until:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def reading(self, key: str) -> object | None:
        """A token for a Redis read of ``key`` about to start (None: the result will not be kept)."""
        if not self.enabled or not key.startswith(self.prefixes):
            return None
        token = object()
        self._reads[key] = token
        return token

    def store(self, key: str, token: object | None, entry: CacheEntry | None, size: int) -> None:
        """Keep what the read of ``key`` found, unless the key changed meanwhile or it does not qualify."""
        if token is None or self._reads.get(key) is not token:
            return
        del self._reads[key]
        if entry is None or not entry.fresh or entry.fresh_for <= 0 or size > self.max_entry_bytes:
            return
        self._drop(key)
        self._entries[key] = (entry, time.monotonic() + entry.fresh_for, size)
        self.bytes += size
        while len(self._entries) > self.max_entries or self.bytes > self.max_bytes:
            self.bytes -= self._entries.popitem(last=False)[1][2]

    def abandon(self, key: str, token: object | None) -> None:
        """A read that failed: forget its token."""
        if token is not None and self._reads.get(key) is token:
            del self._reads[key]

    def invalidate(self, keys: Iterable[bytes | str] | None) -> None:
        """Drop the named keys (None, as Redis sends on FLUSHALL/FLUSHDB: everything)."""
        if keys is None:
            self.clear()
            return
        for raw in keys:
            key = raw.decode() if isinstance(raw, bytes) else raw
            self._drop(key)
            self._reads.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()
        self._reads.clear()
        self.bytes = 0

    def _drop(self, key: str) -> None:
        held = self._entries.pop(key, None)
        if held is not None:
            self.bytes -= held[2]

    def enable(self) -> None:
        """Tracking is on and its messages arrive: entries may be kept from now on."""
        self.enabled = True

    def disable(self) -> None:
        """The invalidation stream is broken (or not yet set up): forget everything and keep nothing."""
        self.enabled = False
        self.clear()

    def tracking_command(self) -> list[str]:
        """The ``CLIENT TRACKING`` command that has Redis push this cache's invalidations to the connection."""
        command = ["CLIENT", "TRACKING", "ON", "BCAST"]
        for prefix in self.prefixes:
            command += ["PREFIX", prefix]
        return command
