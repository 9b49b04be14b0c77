"""The shared result cache in Redis: job envelopes under ``tidal:<kind>:<id>`` keys.

Workers write (:class:`Cache`, synchronous); the front reads (:class:`AsyncCache`). Values are the
job envelopes of :mod:`shared.errors` as JSON, so a "not found" answer is cached like data (with
its shorter TTL).

**Stale grace.** A data entry is kept ``grace`` seconds past its TTL (default 24 h): within its TTL
it is *fresh* and answered as is; after it, it is *stale*: the front asks TIDAL again and, if TIDAL
is down, rate-limiting or the circuit is open, answers the stale entry flagged with its age instead
of failing. Freshness and age are read from the key's Redis TTL (``PTTL`` beside the ``GET``, in one
round trip), so no two hosts' clocks are ever compared. "Not found" entries get no grace.

Example::

    cache = Cache(connect(url), grace=86400)
    cache.set("tidal:track:1", ok({"id": 1}), ttl=3600)
    await AsyncCache(connect_async(url)).get("tidal:track:1")   # CacheEntry(envelope, fresh=True, age_s=0.2)
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import redis
import redis.asyncio as aredis

if TYPE_CHECKING:
    from shared.near_cache import NearCache

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CacheEntry:
    """A cached job envelope; ``age_s`` is how long ago it was stored, ``fresh_for`` how long it stays fresh."""

    envelope: dict[str, Any]
    fresh: bool
    age_s: float
    fresh_for: float = 0.0


def encode(envelope: dict[str, Any], ttl: int, grace: int) -> bytes:
    return json.dumps({"env": envelope, "ttl": ttl, "g": grace}, separators=(",", ":")).encode()


def decode(raw: bytes | None, pttl_ms: int) -> CacheEntry | None:
    """An entry from its stored bytes and its remaining Redis TTL (ms); unreadable means a miss."""
    if raw is None or pttl_ms is None or pttl_ms == -2:
        return None
    try:
        body = json.loads(raw)
        envelope, ttl, grace = body["env"], int(body["ttl"]), int(body["g"])
    except (ValueError, KeyError, TypeError):
        return None
    if pttl_ms < 0:  # no expiry (never written so by us): treat as fresh
        return CacheEntry(envelope, True, 0.0)
    remaining = pttl_ms / 1000
    return CacheEntry(
        envelope,
        fresh=remaining > grace,
        age_s=round(max(0.0, ttl + grace - remaining), 1),
        fresh_for=max(0.0, remaining - grace),
    )


class Cache:
    """Synchronous cache access for workers.

    Writes are best effort: a job's answer stays valid when Redis cannot store it (an outage, a
    full memory), so a failed write is logged and the answer still goes back to the caller.
    """

    def __init__(self, client: redis.Redis, grace: int = 0) -> None:
        self.client = client
        self.grace = grace

    def get(self, key: str) -> CacheEntry | None:
        pipe = self.client.pipeline(transaction=False)
        pipe.get(key)
        pipe.pttl(key)
        raw, pttl = pipe.execute()
        return decode(raw, pttl)

    def set(
        self,
        key: str,
        envelope: dict[str, Any],
        ttl: int,
        *,
        stale_ok: bool = True,
        along: Callable[[redis.client.Pipeline], object] | None = None,
    ) -> None:
        """Store an envelope: data get the stale grace on top of ``ttl``, errors (and, with ``stale_ok``
        false, data that must never be served late, such as signed URLs) do not. ``along`` adds
        commands to the same round trip (the worker hands the answer to waiting fronts with it)."""
        pipe = self.client.pipeline(transaction=False)
        if ttl > 0:
            grace = self.grace if envelope.get("ok") and stale_ok else 0
            pipe.set(key, encode(envelope, ttl, grace), ex=ttl + grace)
        if along is not None:
            along(pipe)
        if len(pipe):
            with _best_effort(key):
                pipe.execute()

    def set_many(self, items: dict[str, dict[str, Any]], ttl: int) -> None:
        """Write several data entries in one round trip (e.g. every track of a fetched album)."""
        if ttl <= 0 or not items:
            return
        pipe = self.client.pipeline(transaction=False)
        for key, envelope in items.items():
            pipe.set(key, encode(envelope, ttl, self.grace), ex=ttl + self.grace)
        with _best_effort(f"{len(items)} keys"):
            pipe.execute()


@contextlib.contextmanager
def _best_effort(what: str) -> Iterator[None]:
    try:
        yield
    except (redis.RedisError, OSError) as exc:
        log.warning(
            "could not write to the cache; the answer is returned uncached",
            extra={"key": what, "error": type(exc).__name__},
        )


class AsyncCache:
    """Asynchronous, read-mostly cache access for the front, with an optional in-process
    :class:`shared.near_cache.NearCache` in front of Redis for hot keys."""

    def __init__(self, client: aredis.Redis, near: NearCache | None = None) -> None:
        self.client = client
        self.near = near
        self._get = client.register_script(_GET_WITH_TTL)

    async def get(self, key: str) -> CacheEntry | None:
        """The entry under ``key`` (None on a miss): from this process's memory, or one script call."""
        near = self.near
        if near is None:
            found = await self._get(keys=[key])
            return decode(found[0], found[1]) if found else None
        entry = near.get(key)
        if entry is not None:
            return entry
        token = near.reading(key)
        try:
            found = await self._get(keys=[key])
        except BaseException:
            near.abandon(key, token)
            raise
        entry = decode(found[0], found[1]) if found else None
        near.store(key, token, entry, len(found[0]) if found else 0)
        return entry


# The value and its remaining TTL in one command: cheaper for the front than a two-command pipeline.
_GET_WITH_TTL = """
local value = redis.call('GET', KEYS[1])
if not value then return {} end
return {value, redis.call('PTTL', KEYS[1])}
"""
