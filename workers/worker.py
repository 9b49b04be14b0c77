"""The worker process: an RQ ``SimpleWorker`` that keeps one tidalapi session for its whole life.

Why SimpleWorker (no fork per job): the session, its TLS connections, the circuit breaker and
the metrics files survive from job to job (docs/architecture.md has the measurements).

What this subclass adds:

* ``bootstrap`` builds the worker context (Redis, cache, rate limiter, session) once, in the final
  process - so it also works under ``rq.WorkerPool``, which forks before bootstrapping.
* a unique name, ``<host>.<supervisor or honcho process name>.<pid>``: a fixed name plus a
  ``kill -9`` would lock the replacement worker out until the dead one's key expires.
* heartbeats during a job (a thread), so the started-job TTL can be short and a job whose worker
  died is detected and retried within about a minute instead of ``job_timeout + 60`` s.
* no scheduler process (see :meth:`TidalWorker.work`), so nothing is ever forked from a worker.

Example (what ``tidal-mcp worker`` does)::

    run_worker(Settings.from_env())              # one worker, e.g. a supervisord program
    run_worker(Settings.from_env(), pool_size=2)  # rq WorkerPool of 2, respawning dead ones
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from rq import Queue, SimpleWorker
from rq.job import Job
from rq.serializers import JSONSerializer
from rq.worker_pool import WorkerPool

from shared.catalog import QUEUES
from shared.errors import TidalMcpError
from shared.pool import HEARTBEAT_INTERVAL, HEARTBEAT_TTL, MAINTENANCE_INTERVAL, WORKER_TTL
from shared.redis_conn import connect, wait_for_redis
from shared.settings import Settings
from workers.runtime import build_context, set_context

log = logging.getLogger(__name__)

def worker_name() -> str:
    """``<host>.<process name>.<pid>``, unique per process and readable in rq-dashboard."""
    role = os.environ.get("SUPERVISOR_PROCESS_NAME") or os.environ.get("HONCHO_PROCESS_NAME") or "worker"
    return f"{socket.gethostname()}.{role}.{os.getpid()}"


class TidalWorker(SimpleWorker):
    """See module docstring."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["name"] = worker_name()
        kwargs.setdefault("serializer", JSONSerializer)
        kwargs.setdefault("worker_ttl", WORKER_TTL)
        kwargs.setdefault("maintenance_interval", MAINTENANCE_INTERVAL)
        super().__init__(*args, **kwargs)

    def work(self, *args: Any, **kwargs: Any) -> bool:
        # No scheduler process: RQ forks it from the worker, and the fork inherits the worker's
        # Redis sockets. After a kill -9 of the worker, its pending BLMOVE stays open in the
        # orphaned scheduler and silently swallows the next job. WorkerPool always asks for one.
        kwargs["with_scheduler"] = False
        return super().work(*args, **kwargs)

    def bootstrap(self, *args: Any, **kwargs: Any) -> None:
        super().bootstrap(*args, **kwargs)
        settings = Settings.from_env()
        context = build_context(settings, self.connection)
        set_context(context)
        try:
            context.sessions.get()
        except TidalMcpError as exc:  # no login yet, or TIDAL down: jobs will say so; keep serving
            log.warning("worker started without a TIDAL session", extra={"reason": exc.message})

    def get_heartbeat_ttl(self, job: Job) -> int:
        return HEARTBEAT_TTL

    def execute_job(self, job: Job, queue: Queue) -> None:
        stop = threading.Event()
        beater = threading.Thread(target=self._beat, args=(job, stop), name="job-heartbeat", daemon=True)
        beater.start()
        try:
            super().execute_job(job, queue)
        finally:
            stop.set()
            beater.join(timeout=HEARTBEAT_INTERVAL)

    def _beat(self, job: Job, stop: threading.Event) -> None:
        while not stop.wait(HEARTBEAT_INTERVAL):
            try:
                self.maintain_heartbeats(job)
            except Exception:  # a missed heartbeat only shortens the grace period; never kill the job
                log.warning("job heartbeat failed", exc_info=True)

    def teardown(self) -> None:
        super().teardown()
        set_context(None)


def run_worker(settings: Settings, *, pool_size: int = 0, burst: bool = False) -> None:
    """Run one worker (``pool_size`` 0) or an RQ WorkerPool of ``pool_size`` workers until stopped."""
    connection = connect(settings.redis_url)
    wait_for_redis(connection, timeout=30)
    if pool_size:
        pool = WorkerPool(list(QUEUES), connection=connection, num_workers=pool_size,
                          worker_class=TidalWorker, serializer=JSONSerializer)
        pool.start(burst=burst, logging_level=settings.log_level)
        return
    queues = [Queue(name, connection=connection, serializer=JSONSerializer) for name in QUEUES]
    worker = TidalWorker(queues, connection=connection)
    worker.work(burst=burst, logging_level=settings.log_level, max_jobs=settings.max_jobs)
