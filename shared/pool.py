"""Worker liveness, as every process reads it: a worker is alive while its liveness key exists.

Each worker process keeps ``tidal:pool:alive:<name>`` (value: the id of the job it holds, or ``-``)
alive with a short TTL, refreshed every :data:`BEAT_INTERVAL` by a thread of its own
(:mod:`workers.liveness`). Redis expires the key of a killed worker by its own clock, so "is this
worker alive?" never compares two hosts' clocks, and a killed worker stops counting within
:data:`ALIVE_TTL_MS`. ``/health``, ``tidal-mcp status`` and the front's "no workers" check use
:func:`live_worker_names`; the janitor uses the same keys to recover jobs of dead workers.

Example::

    count_live_workers(redis_client)         # 4
    await worker_presence(aredis)            # the front's variant: (alive, registered)
"""

from __future__ import annotations

from typing import cast

import redis
import redis.asyncio as aredis

from shared.queueing import WORKERS, alive_key

ALIVE_TTL_MS = 6000  # a worker that misses four beats in a row is dead
BEAT_INTERVAL = 1.5  # seconds between liveness beats (and janitor sweeps)
RQ_WORKER_TTL = 60  # RQ's own registration key; the janitor removes a dead worker's at once


def _alive(names: list[str], flags: list[int]) -> list[str]:
    return [name for name, alive in zip(names, flags, strict=True) if alive]


def live_worker_names(client: redis.Redis) -> list[str]:
    """Names of the workers whose liveness key exists, sorted."""
    names = sorted(member.decode() for member in cast(set[bytes], client.smembers(WORKERS)))  # no decode_responses
    if not names:
        return []
    pipe = client.pipeline(transaction=False)
    for name in names:
        pipe.exists(alive_key(name))
    return _alive(names, pipe.execute())


def count_live_workers(client: redis.Redis) -> int:
    return len(live_worker_names(client))


async def worker_presence(client: aredis.Redis) -> tuple[int, int]:
    """``(alive, registered)`` for the front's asyncio client.

    Registered but none alive is usually a passing state (Redis restarted and the workers' next beat
    has not come yet, or the last ones died moments ago); none registered means no worker runs.
    """
    names = sorted(member.decode() for member in cast(set[bytes], await client.smembers(WORKERS)))
    if not names:
        return 0, 0
    pipe = client.pipeline(transaction=False)
    for name in names:
        pipe.exists(alive_key(name))
    return len(_alive(names, await pipe.execute())), len(names)
