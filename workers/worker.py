"""The worker process: an RQ ``SimpleWorker`` that keeps one tidalapi session for its whole life.

Why SimpleWorker (no fork per job): the session, its TLS connections and the metrics files survive
from job to job (docs/architecture.md has the measurements).

What this subclass changes:

* **dequeue**: jobs are taken with the *claim* script (:mod:`shared.queueing`), which pops the
  highest-priority job and records this worker as its holder in one atomic step; idle workers block
  on the doorbell list for at most :data:`DOORBELL_WAIT` s. RQ's own multi-queue BLPOP can lose a job
  to a worker killed between the pop and the registry write.
* **completion**: RQ's completion transaction also *releases* the claim and publishes the job id,
  so waiting fronts fetch the result at once.
* **liveness**: a thread (:mod:`workers.liveness`) keeps the liveness key alive, re-registers after
  a Redis restart and runs the janitor. Names are ``<host>.<role>.<pid>``, unique per process.
* **Redis outages**: the work loop survives them. RQ's loop exits on the first connection error;
  here the worker waits for Redis, gives back any job it could not finish, and carries on.
* **bootstrap** builds the worker context (Redis, cache, limiter, session) once, in the final
  process, and never fails on TIDAL: no login, a 429 storm or an outage at start only log a warning;
  jobs say what is wrong.
* no scheduler process (see :meth:`TidalWorker.work`), so nothing is ever forked from a worker.

Example (what ``tidal-mcp worker`` does)::

    run_worker(Settings.from_env())              # one worker, e.g. a supervisord program
    run_worker(Settings.from_env(), pool_size=2)  # rq WorkerPool of 2, respawning dead ones
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import time
from typing import Any

import redis
from rq import Queue, SimpleWorker
from rq.exceptions import NoSuchJobError, StopRequested
from rq.job import Job
from rq.serializers import JSONSerializer
from rq.utils import now
from rq.worker.base import WorkerStatus
from rq.worker_pool import WorkerPool

from shared import metrics, tracing
from shared.catalog import JOB_FUNCTIONS
from shared.errors import InvalidRequest
from shared.pool import ALIVE_TTL_MS, RQ_WORKER_TTL
from shared.queueing import DOORBELL, IDLE, QUEUES, WORKERS, Claim, Scripts, alive_key
from shared.redis_conn import UNAVAILABLE_ERRORS, connect, wait_for_redis
from shared.settings import Settings
from workers.janitor import Janitor, fail_job
from workers.liveness import Liveness
from workers.runtime import JobClock, build_context, current_context_or_none, set_context, set_job_clock

log = logging.getLogger(__name__)
security = logging.getLogger("tidal_mcp.security")

DOORBELL_WAIT = 1  # seconds an idle worker blocks before looking at the queues again
RQ_HEARTBEAT_TTL = 300  # beyond the job timeout: RQ's own abandoned-job cleanup must never beat ours
MAX_RECONNECT_WAIT = 1.0


def worker_name() -> str:
    """``<host>.<process name>.<pid>``, unique per process and readable in rq-dashboard."""
    role = os.environ.get("SUPERVISOR_PROCESS_NAME") or os.environ.get("HONCHO_PROCESS_NAME") or "worker"
    return f"{socket.gethostname()}.{role}.{os.getpid()}"


class TidalWorker(SimpleWorker):
    """See module docstring."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["name"] = worker_name()
        kwargs.setdefault("serializer", JSONSerializer)
        kwargs.setdefault("worker_ttl", RQ_WORKER_TTL)
        super().__init__(*args, **kwargs)
        self.max_connection_wait_time = MAX_RECONNECT_WAIT
        self.scripts = Scripts(self.connection)
        self.current_job_id: str | None = None
        self.running_since: float | None = None
        self.running_timeout: float | None = None
        self._claim: Claim | None = None
        self._liveness: Liveness | None = None
        self._jobs_done = 0
        self._stopping = False
        self._waiting = False  # blocked on the doorbell (the one place a stop may interrupt)

    # -- start, stop, survive Redis outages ------------------------------------------------------

    def work(self, *args: Any, **kwargs: Any) -> bool:
        # No scheduler process: RQ forks it from the worker, and the fork inherits the worker's
        # Redis sockets. After a kill -9 of the worker, its pending blocking read stays open in the
        # orphaned scheduler and silently swallows the next job. WorkerPool always asks for one.
        kwargs["with_scheduler"] = False
        burst = bool(kwargs.get("burst") or (args[0] if args else False))
        max_jobs = kwargs.get("max_jobs")
        worked = False
        try:
            while True:
                try:
                    worked = super().work(*args, **kwargs) or worked
                except UNAVAILABLE_ERRORS + (redis.RedisError,) as exc:
                    log.warning("lost Redis", extra={"error": type(exc).__name__})
                if self._stopping or burst or (max_jobs is not None and self._jobs_done >= max_jobs):
                    return worked
                # RQ's loop ends on any Redis error; this worker stays registered and resumes.
                log.warning("the work loop stopped without a stop request (Redis unreachable?); resuming")
                self._wait_for_redis()
        finally:
            self._leave_pool()

    def request_stop(self, signum: Any, frame: Any) -> None:
        """Ctrl-C / SIGTERM: stop after the running job, or within a second when idle.

        RQ raises StopRequested from the signal handler when idle, wherever the signal lands; landing
        inside a logging call (the worker logs a lot while starting) the logging module swallows it,
        and the worker never stopped. Here the handler only records the request; the dequeue loop
        acts on it, and a worker blocked waiting for the doorbell is interrupted there.
        """
        self._stopping = True
        self._stop_requested = True
        self._shutdown_requested_date = now()
        signal.signal(signal.SIGINT, self.request_force_stop)
        signal.signal(signal.SIGTERM, self.request_force_stop)
        self.handle_warm_shutdown_request()
        if self._waiting:  # blocked on the doorbell: interrupting that read is safe, and stops at once
            raise StopRequested()

    def _wait_for_redis(self) -> None:
        while True:
            try:
                wait_for_redis(self.connection, timeout=30)
                break
            except ConnectionError:
                log.warning("still waiting for Redis")
        Janitor(self.connection, self.scripts, self.name).recover_own_claims()
        log.info("Redis is back; the worker carries on")

    def register_birth(self) -> None:
        # Names are unique per host and pid, so a registration under our name is our own (left by a
        # Redis outage that interrupted teardown): overwrite it rather than refuse to start.
        self.connection.delete(self.key)
        super().register_birth()

    def bootstrap(self, *args: Any, **kwargs: Any) -> None:
        super().bootstrap(*args, **kwargs)
        tracing.setup_tracing("tidal-mcp-worker")  # here, in the worker's own process (after a pool's fork)
        if current_context_or_none() is None:
            context = build_context(Settings.from_env(), self.connection)
            set_context(context)
            context.sessions.warm_up()
        if self._liveness is None:
            janitor = Janitor(self.connection, self.scripts, self.name)
            janitor.recover_own_claims()
            self.connection.set(alive_key(self.name), IDLE, px=ALIVE_TTL_MS)
            self._liveness = Liveness(self)
            self._liveness.beat()
            self._liveness.start()

    def teardown(self) -> None:
        # RQ's own teardown (called at the end of each run of its loop): registers RQ's "death",
        # which the liveness thread undoes if the worker resumes. Leaving the pool is _leave_pool.
        with contextlib.suppress(*UNAVAILABLE_ERRORS, redis.RedisError):
            super().teardown()

    def _leave_pool(self) -> None:
        """The worker stops for good: stop beating, give back any held job, deregister."""
        if self._liveness is None:
            return
        self._liveness.stop()
        self._liveness = None
        tracing.shutdown()
        try:
            Janitor(self.connection, self.scripts, self.name).recover_own_claims()
            self.connection.delete(alive_key(self.name))
            self.connection.srem(WORKERS, self.name)
        except UNAVAILABLE_ERRORS + (redis.RedisError,):
            pass  # the janitor of another worker deregisters us once our liveness key expires

    # -- dequeue: claim, or wait for the doorbell --------------------------------------------------

    def dequeue_job_and_maintain_ttl(
        self, timeout: int | None, max_idle_time: int | None = None
    ) -> tuple[Job, Queue] | None:
        self.set_state(WorkerStatus.IDLE)
        idle_since = time.monotonic()
        backoff = 0.25
        while True:
            if self._stop_requested:
                raise StopRequested()
            try:
                if self.should_run_maintenance_tasks:
                    self.run_maintenance_tasks()
                claimed = self.scripts.claim(self.name, self.queue_names(), ALIVE_TTL_MS)
                if isinstance(claimed, Claim):
                    job = self._fetch(claimed)
                    if job is not None:
                        return job, self._queue(claimed.queue)
                    continue
                if timeout is None:  # burst: the queues are empty (or the pool is paused)
                    return None
                if max_idle_time is not None and time.monotonic() - idle_since > max_idle_time:
                    return None
                self._waiting = True
                try:
                    self.connection.blpop([DOORBELL], DOORBELL_WAIT)
                finally:
                    self._waiting = False
                backoff = 0.25
            except StopRequested:
                raise
            except UNAVAILABLE_ERRORS as exc:
                log.warning(
                    "Redis unreachable while waiting for jobs; retrying",
                    extra={"error": type(exc).__name__, "retry_in_s": backoff},
                )
                time.sleep(backoff)  # backoff between reconnection attempts, not a synchronization
                backoff = min(backoff * 2, MAX_RECONNECT_WAIT)

    def _fetch(self, claimed: Claim) -> Job | None:
        job = Job(claimed.job_id, connection=self.connection, serializer=self.serializer)
        try:
            if claimed.fields:
                job.restore(claimed.fields)  # read by the claim script: no HGETALL of our own
            else:
                job.refresh()
        except NoSuchJobError:
            self._release(claimed.job_id, None)
            return None
        self._claim = claimed
        self.current_job_id = claimed.job_id
        return job

    def _queue(self, name: str) -> Queue:
        return next(q for q in self.queues if q.name == name)

    def _release(self, job_id: str, coalesce_key: str | None) -> None:
        with self.connection.pipeline() as pipe:
            self.scripts.release(pipe, job_id, self.name, coalesce_key)
            pipe.execute()

    # -- running a job ----------------------------------------------------------------------------

    def get_heartbeat_ttl(self, job: Job) -> int:
        return int(job.timeout or 180) + RQ_HEARTBEAT_TTL

    def execute_job(self, job: Job, queue: Queue) -> None:
        if job.func_name not in JOB_FUNCTIONS:
            self._refuse(job)
            return
        if self._claim is not None:
            metrics.QUEUE_WAIT_SECONDS.labels(queue=queue.name).observe(self._claim.waited_ms / 1000)
        set_job_clock(JobClock.start(job.timeout))
        self.running_since, self.running_timeout = time.monotonic(), float(job.timeout or 180)
        try:
            super().execute_job(job, queue)
        finally:
            set_job_clock(None)
            self.running_since = self.running_timeout = None
            self.current_job_id = None
            self._claim = None
            self._jobs_done += 1

    def _refuse(self, job: Job) -> None:
        """A job naming a function outside the catalog fails without running (a security event)."""
        security.warning(
            "refused a job naming a function outside the job catalog",
            extra={"job_id": job.id, "function": job.func_name, "queue": job.origin},
        )
        fail_job(
            self.connection, job.id, InvalidRequest(f"Refused: {job.func_name!r} is not a tidal-mcp job function.")
        )
        self._release(job.id, job.meta.get("coalesce"))
        self.current_job_id = None
        self._claim = None

    def handle_job_failure(
        self, job: Job, queue: Queue, started_job_registry: Any = None, exc_string: str = ""
    ) -> None:
        if _infrastructure_failure(exc_string):
            # Redis failed under the job (an outage mid-job), not the job itself: give it back to its
            # queue instead of recording a failure the caller would read once Redis is back.
            log.warning("Redis failed while a job ran; the job goes back to its queue", extra={"job_id": job.id})
            self.current_job_id = None
            with contextlib.suppress(*UNAVAILABLE_ERRORS, redis.RedisError):
                Janitor(self.connection, self.scripts, self.name).recover_own_claims()
            return
        super().handle_job_failure(job, queue, started_job_registry=started_job_registry, exc_string=exc_string)

    def cleanup_execution(self, job: Job, pipeline: Any) -> None:
        super().cleanup_execution(job, pipeline)
        self.scripts.release(pipeline, job.id, self.name, job.meta.get("coalesce"))


_INFRASTRUCTURE_ERRORS = (
    "redis.exceptions.ConnectionError",
    "redis.exceptions.TimeoutError",
    "redis.exceptions.BusyLoadingError",
    "shared.errors.BackendUnavailable",
)


def _infrastructure_failure(exc_string: str) -> bool:
    lines = [line for line in exc_string.strip().splitlines() if line.strip()]
    return bool(lines) and lines[-1].startswith(_INFRASTRUCTURE_ERRORS)


def run_worker(settings: Settings, *, pool_size: int = 0, burst: bool = False) -> None:
    """Run one worker (``pool_size`` 0) or an RQ WorkerPool of ``pool_size`` workers until stopped."""
    connection = connect(settings.redis_url)
    wait_for_redis(connection, timeout=30)
    if pool_size:
        pool = WorkerPool(
            list(QUEUES),
            connection=connection,
            num_workers=pool_size,
            worker_class=TidalWorker,
            serializer=JSONSerializer,
        )
        pool.start(burst=burst, logging_level=settings.log_level)
        return
    queues = [Queue(name, connection=connection, serializer=JSONSerializer) for name in QUEUES]
    worker = TidalWorker(queues, connection=connection)
    worker.work(burst=burst, logging_level=settings.log_level, max_jobs=settings.max_jobs)
