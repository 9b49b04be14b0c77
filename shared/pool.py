"""Worker-pool liveness: the heartbeat contract between workers and the front, and live counts.

Workers beat every :data:`HEARTBEAT_INTERVAL` seconds while a job runs; a started job whose last
beat is older than :data:`HEARTBEAT_GRACE` belongs to a dead worker, and the front puts it back on
the queue. :func:`count_live_workers` is what ``/health``, ``tidal-mcp status`` and the front's
"no workers" check use.
"""

from __future__ import annotations

import redis

from shared.catalog import QUEUES

WORKER_TTL = 30  # seconds a silent worker stays registered; an idle dequeue blocks WORKER_TTL - 15
MAINTENANCE_INTERVAL = 15  # how often a worker cleans registries (fails abandoned jobs)
HEARTBEAT_INTERVAL = 5  # heartbeat period while a job runs
HEARTBEAT_TTL = 20  # a running job's registry entry expires this long after the last heartbeat
HEARTBEAT_GRACE = 3 * HEARTBEAT_INTERVAL  # the front calls a started job orphaned after this silence


def live_worker_names(client: redis.Redis) -> list[str]:
    """Workers registered on any of our queues whose registration key still exists."""
    # RQ keeps the workers' registration keys ("rq:worker:<name>") in a set per queue.
    keys = sorted({key.decode() for queue in QUEUES for key in client.smembers(f"rq:workers:{queue}")})
    if not keys:
        return []
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.exists(key)
    return [key.removeprefix("rq:worker:") for key, alive in zip(keys, pipe.execute(), strict=True) if alive]


def count_live_workers(client: redis.Redis) -> int:
    return len(live_worker_names(client))
