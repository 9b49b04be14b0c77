"""Snapshots: before a destructive write the pool keeps what it destroys, for at least 7 days.

A snapshot is a playlist's metadata and ordered track ids under ``tidal:snapshot:<id>`` (expiring
after :data:`SNAPSHOT_TTL`), indexed in the sorted set ``tidal:snapshots`` by Redis's own clock.
Workers take them (:func:`take`) before a delete, clear, remove, merge, edit or restore;
``tidal_list_snapshots`` reads them from the front (:func:`recent`) - no TIDAL call, so they are
there even while TIDAL is down; ``tidal_restore_playlist`` brings one back.

Example::

    snapshot_id = take(redis_client, playlist_id=uuid, title="Road trip", description="", public=False,
                       track_ids=[1, 2, 3], reason="clear")
    get(redis_client, snapshot_id)["track_ids"]      # [1, 2, 3]
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any, cast

import redis
import redis.asyncio as aredis

SNAPSHOT_TTL = 8 * 24 * 3600  # kept at least 7 days
INDEX = "tidal:snapshots"


def _key(snapshot_id: str) -> str:
    return f"tidal:snapshot:{snapshot_id}"


def take(
    client: redis.Redis,
    *,
    playlist_id: str,
    title: str,
    description: str,
    public: bool | None,
    track_ids: list[int],
    reason: str,
    folder_id: str | None = None,
) -> str:
    """Store a snapshot and return its id (``<first 8 of the uuid>-<random>``)."""
    seconds, micros = client.time()
    snapshot_id = f"{playlist_id[:8]}-{uuid.uuid4().hex[:8]}"
    body = {
        "id": snapshot_id,
        "playlist_id": playlist_id,
        "title": title,
        "description": description,
        "public": public,
        "folder_id": folder_id,
        "reason": reason,
        "taken_at": datetime.fromtimestamp(seconds + micros / 1e6, UTC).isoformat(timespec="seconds"),
        "track_count": len(track_ids),
        "track_ids": list(track_ids),
    }
    pipe = client.pipeline()
    pipe.set(_key(snapshot_id), json.dumps(body), ex=SNAPSHOT_TTL)
    pipe.zadd(INDEX, {snapshot_id: seconds * 1000 + micros // 1000})
    pipe.execute()
    return snapshot_id


def get(client: redis.Redis, snapshot_id: str) -> dict[str, Any] | None:
    """A snapshot by id, or None once it has expired (or never existed)."""
    raw = client.get(_key(snapshot_id))
    return json.loads(raw) if raw else None


async def recent(client: aredis.Redis, playlist_id: str | None = None, limit: int = 50) -> tuple[int, list[dict]]:
    """(how many are kept, up to ``limit`` of them newest first), of one playlist or of all."""
    seconds, _ = await client.time()
    await client.zremrangebyscore(INDEX, 0, (seconds - SNAPSHOT_TTL) * 1000)
    members = cast(list[bytes | str], await client.zrevrange(INDEX, 0, -1))
    ids = [raw.decode() if isinstance(raw, bytes) else raw for raw in members]
    bodies = await client.mget([_key(i) for i in ids]) if ids else []
    found, gone = [], []
    for snapshot_id, raw in zip(ids, bodies, strict=True):
        if raw is None:
            gone.append(snapshot_id)
            continue
        body = json.loads(raw)
        if playlist_id is None or body["playlist_id"] == playlist_id:
            found.append(body)
    if gone:
        await client.zrem(INDEX, *gone)
    return len(found), found[:limit]
