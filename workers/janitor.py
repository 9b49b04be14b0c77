"""Pool-side recovery: jobs held by dead workers go back to their queue; dead workers are deregistered.

Every worker's liveness thread calls :meth:`Janitor.sweep` every couple of seconds; a short Redis
lock lets one sweep run at a time across the whole pool (any host). A sweep:

1. deregisters workers whose liveness key has expired (RQ's worker key and registry sets too, so
   rq-dashboard and ``Worker.count`` stop showing them at once instead of ``worker_ttl`` later);
2. runs the *recover* script (:mod:`shared.queueing`) on every claimed job: a job whose holder is
   dead, or alive but no longer working on it, goes back to the **front** of its queue (it already
   waited its turn), leaves the started registry, and the doorbell rings. A job that has cost
   :data:`~shared.queueing.MAX_REQUEUES` workers their lives fails with :class:`WorkerLost` instead.

The front plays no part: it only waits for results.

Example::

    Janitor(redis_client, Scripts(redis_client), "host.worker.1234").sweep()
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import cast

import redis
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry, StartedJobRegistry
from rq.results import Result
from rq.serializers import JSONSerializer
from rq.worker_registration import REDIS_WORKER_KEYS, WORKERS_BY_QUEUE_KEY

from shared.errors import WorkerLost
from shared.pool import ALIVE_TTL_MS
from shared.queueing import CLAIMS, DONE_CHANNEL, QUEUES, WORKERS, Scripts, alive_key

log = logging.getLogger(__name__)

JANITOR_LOCK = "tidal:pool:janitor"
JANITOR_LOCK_MS = 1000
FAILURE_TTL = 3600


@dataclass
class SweepReport:
    """What one sweep did (for logs and tests)."""

    deregistered: list[str] = field(default_factory=list)
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


class Janitor:
    """See module docstring."""

    def __init__(self, client: redis.Redis, scripts: Scripts, worker_name: str) -> None:
        self.client = client
        self.scripts = scripts
        self.worker_name = worker_name

    def sweep(self, *, force: bool = False) -> SweepReport | None:
        """One sweep, unless another worker holds the janitor lock (then ``None``)."""
        if not force and not self.client.set(JANITOR_LOCK, self.worker_name, nx=True, px=JANITOR_LOCK_MS):
            return None
        report = SweepReport()
        self._deregister_dead(report)
        self._recover_claims(report)
        return report

    def recover_own_claims(self) -> SweepReport:
        """Give back every job this worker holds (at start, after a Redis outage, and at exit)."""
        report = SweepReport()
        self.client.set(alive_key(self.worker_name), "-", px=ALIVE_TTL_MS)  # "holds nothing": recover may act
        self._recover_claims(report, only_holder=self.worker_name)
        return report

    def _deregister_dead(self, report: SweepReport) -> None:
        names = sorted(member.decode() for member in cast(set[bytes], self.client.smembers(WORKERS)))
        if not names:
            return
        pipe = self.client.pipeline(transaction=False)
        for name in names:
            pipe.exists(alive_key(name))
        for name, alive in zip(names, pipe.execute(), strict=True):
            if not alive and name != self.worker_name:
                deregister(self.client, name)
                report.deregistered.append(name)
                log.warning("deregistered a dead worker", extra={"worker": name})

    def _recover_claims(self, report: SweepReport, only_holder: str | None = None) -> None:
        for raw_id, raw_holder in cast(dict[bytes, bytes], self.client.hgetall(CLAIMS)).items():
            job_id, holder = raw_id.decode(), raw_holder.decode()
            if only_holder is not None and holder != only_holder:
                continue
            outcome, queue, requeues = self.scripts.recover(job_id, holder)
            if outcome == "requeued":
                report.requeued.append(job_id)
                log.warning(
                    "job of a dead worker put back at the front of its queue",
                    extra={"job_id": job_id, "worker": holder, "queue": queue, "requeues": requeues},
                )
            elif outcome == "poison":
                fail_job(
                    self.client,
                    job_id,
                    WorkerLost(
                        f"The request stopped {requeues - 1} workers in a row (killed or crashed while running it), "
                        "so it was not tried again. Check the worker logs; retrying later may work."
                    ),
                )
                report.failed.append(job_id)
                log.error("job failed after killing its workers", extra={"job_id": job_id, "requeues": requeues})


def deregister(client: redis.Redis, name: str) -> None:
    """Remove a worker from RQ's registries and ours (its RQ key too)."""
    key = f"rq:worker:{name}"
    pipe = client.pipeline(transaction=False)
    pipe.delete(key)
    pipe.srem(REDIS_WORKER_KEYS, key)
    for queue in QUEUES:
        pipe.srem(WORKERS_BY_QUEUE_KEY % queue, key)
    pipe.srem(WORKERS, name)
    pipe.execute()


def fail_job(client: redis.Redis, job_id: str, error: Exception) -> None:
    """Mark a job failed with ``error`` as its outcome, the way RQ records a failure, and tell the fronts."""
    try:
        job = Job.fetch(job_id, connection=client, serializer=JSONSerializer)
    except Exception:  # deleted meanwhile: nothing to record
        return
    exc_string = f"{type(error).__name__}: {error}"
    with client.pipeline() as pipe:
        job.set_status(JobStatus.FAILED, pipeline=pipe)
        for member in cast(list[bytes], client.zrange(StartedJobRegistry(job.origin, connection=client).key, 0, -1)):
            if member.decode().startswith(f"{job_id}:"):
                pipe.zrem(StartedJobRegistry(job.origin, connection=client).key, member)
        FailedJobRegistry(job.origin, connection=client).add(job, ttl=FAILURE_TTL, exc_string=exc_string, pipeline=pipe)
        Result.create_failure(job, FAILURE_TTL, exc_string, pipeline=pipe)
        coalesce = job.meta.get("coalesce")
        if coalesce and client.get(coalesce) == job_id.encode():
            pipe.delete(coalesce)
        pipe.publish(DONE_CHANNEL, job_id)
        pipe.execute()
