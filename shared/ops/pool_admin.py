"""``tidal-mcp pause`` / ``resume``: stop the worker pool taking jobs, and let it go on.

While paused, workers finish the job in hand and take no other; fronts answer from the cache and
refuse what would need TIDAL with a message saying the pool is paused (a stale cached answer is
served when there is one). Jobs already queued wait and run after ``resume``. Pool-wide: one key in
Redis, so every host's workers and fronts see it.
"""

from __future__ import annotations

import getpass
import json
import socket
from datetime import UTC, datetime
from typing import Any

import redis

from shared.pool import count_live_workers
from shared.queueing import DOORBELL, PAUSED


def pause(client: redis.Redis, reason: str | None = None) -> dict[str, Any]:
    """Pause the pool (idempotent: an existing pause keeps its first record)."""
    record = {
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
        "by": f"{getpass.getuser()}@{socket.gethostname()}",
        "reason": reason,
    }
    client.set(PAUSED, json.dumps(record), nx=True)
    return paused(client) or record


def resume(client: redis.Redis) -> bool:
    """Let the pool take jobs again and wake every idle worker; whether it was paused."""
    was = bool(client.delete(PAUSED))
    wake = max(1, count_live_workers(client))
    client.lpush(DOORBELL, *(["1"] * wake))
    return was


def paused(client: redis.Redis) -> dict[str, Any] | None:
    """The pause record (since, by, reason), or None when the pool runs."""
    raw = client.get(PAUSED)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return {"since": None, "by": None, "reason": None}
