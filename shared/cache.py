"""The shared result cache in Redis: job envelopes under ``tidal:<kind>:<id>`` keys with a TTL.

Workers write (:class:`Cache`, synchronous); the front reads (:class:`AsyncCache`). Values are
the job envelopes of :mod:`shared.errors` as JSON, with the time they were stored, so a "not
found" answer is cached like data (with its shorter TTL).

Example::

    cache = Cache(connect(url))
    cache.set("tidal:track:1", ok({"id": 1}), ttl=3600)
    await AsyncCache(connect_async(url)).get("tidal:track:1")   # CacheEntry(envelope=..., stored_at=...)
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import redis
import redis.asyncio as aredis


@dataclass(frozen=True)
class CacheEntry:
    """A cached job envelope and the Unix time it was written."""

    envelope: dict[str, Any]
    stored_at: float


def encode(envelope: dict[str, Any]) -> bytes:
    return json.dumps({"at": round(time.time(), 3), "env": envelope}, separators=(",", ":")).encode()


def decode(raw: bytes | None) -> CacheEntry | None:
    if raw is None:
        return None
    try:
        body = json.loads(raw)
        return CacheEntry(envelope=body["env"], stored_at=float(body["at"]))
    except (ValueError, KeyError, TypeError):
        return None  # an unreadable entry is a miss, never an error


class Cache:
    """Synchronous cache access for workers."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def get(self, key: str) -> CacheEntry | None:
        return decode(self.client.get(key))

    def set(self, key: str, envelope: dict[str, Any], ttl: int) -> None:
        if ttl > 0:
            self.client.set(key, encode(envelope), ex=ttl)

    def set_many(self, items: dict[str, dict[str, Any]], ttl: int) -> None:
        """Write several entries in one round trip (e.g. every track of a fetched album)."""
        if ttl <= 0 or not items:
            return
        pipe = self.client.pipeline(transaction=False)
        for key, envelope in items.items():
            pipe.set(key, encode(envelope), ex=ttl)
        pipe.execute()


class AsyncCache:
    """Asynchronous, read-mostly cache access for the front."""

    def __init__(self, client: aredis.Redis) -> None:
        self.client = client

    async def get(self, key: str) -> CacheEntry | None:
        return decode(await self.client.get(key))
