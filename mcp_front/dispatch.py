"""Cache-first dispatch of TIDAL operations: answer from Redis, or hand the call to the pool and wait.

For ``await dispatcher.call("track.get", {"track_id": 1})``:

1. **cache**: a fresh entry under ``tidal:track:1`` is answered at once (data, or a cached "not
   found"). A *stale* one (past its TTL, within the grace) is kept aside: if TIDAL cannot be asked -
   the circuit is open, TIDAL is down or rate-limiting, no worker - or does not answer within
   :data:`STALE_PATIENCE`, it is answered flagged ``stale`` with its age instead of an error (the
   refresh goes on and updates the cache).
2. **admission**: past :attr:`Dispatcher.max_inflight` waiting calls in this front, or a queue past
   its bound, the call is refused with "busy, retry in N s" (counted in ``/metrics``).
3. **enqueue** (:func:`shared.queueing.enqueue`, one round trip): joins the identical job already
   queued or running anywhere in the pool, or enqueues a new one.
4. **wait** on the shared result waiter (:mod:`mcp_front.waiter`) until this caller's own deadline,
   reporting progress every :data:`PROGRESS_INTERVAL`. The front never deletes or re-enqueues a job:
   recovering jobs of dead workers is the pool's business (:mod:`workers.janitor`). If the job it
   joined ends without an answer for this caller (it vanished, or failed on a deadline that was not
   this caller's) and time is left, the call simply enqueues afresh, as a new call would.

Errors are :class:`shared.errors.TidalMcpError` subclasses with messages meant for the client.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import redis
import redis.asyncio as aredis
from rq.job import Job, JobStatus
from rq.results import Result
from rq.serializers import JSONSerializer

from mcp_front.waiter import LOST, ResultWaiter
from shared import metrics, tracing
from shared.cache import AsyncCache, CacheEntry
from shared.catalog import OPERATIONS, Operation
from shared.errors import (
    BackendUnavailable,
    Busy,
    JobTimeout,
    NoWorkers,
    Paused,
    RateLimited,
    UpstreamUnavailable,
    WorkerLost,
    error_from_exc_string,
    unwrap,
)
from shared.near_cache import NearCache
from shared.pool import ALIVE_TTL_MS, BEAT_INTERVAL, worker_presence
from shared.queueing import PAUSED, enqueue
from shared.ratelimit import TRIP_KEY
from shared.redis_conn import UNAVAILABLE_ERRORS

log = logging.getLogger(__name__)

RESULT_TTL = 60  # the cache is the real store; results only bridge the job -> front hand-off
FAILURE_TTL = 3600  # failed jobs stay visible in rq-dashboard for an hour
COALESCE_TTL = 600  # seconds on top of the job timeout an identical call may join a job
MAX_RESUBMITS = 2  # a call enqueues afresh at most this often when its job ends without an answer for it
PROGRESS_INTERVAL = 2.0  # seconds between progress reports to a waiting client
POOL_CHECK_TTL = 1.0  # seconds a live-worker count / pause reading is reused by every call
# Registered workers that all look dead get this long to beat again (a Redis restart) before "no workers".
NO_WORKERS_GRACE = ALIVE_TTL_MS / 1000 + 2 * BEAT_INTERVAL
MIN_RETRY_TIME = 2.0  # a caller resubmits a job that ended without its answer only with this much time left
STALE_PATIENCE = 2.0  # seconds a call holding a stale entry waits for a fresh answer before using the stale one

# Failures of a job that a fresh run may not repeat (a dead worker, a Redis blip, a deadline not ours).
_RESUBMIT = (WorkerLost, RateLimited, JobTimeout, BackendUnavailable)
# Failures that leave a stale cache entry the better answer.
_UNAVAILABLE = (UpstreamUnavailable, RateLimited, JobTimeout, NoWorkers, WorkerLost, Busy, Paused)

Progress = Callable[[float, str], Awaitable[None]]
"""``progress(seconds_waited, message)``, awaited every :data:`PROGRESS_INTERVAL` while a call waits."""


@dataclass(frozen=True)
class Answer:
    """What a call returns: the data, where it came from (cache / tidal / stale), and its age if stale."""

    data: Any
    source: str
    age_s: float | None = None


class Dispatcher:
    """Runs catalog operations for the MCP tools (see module docstring)."""

    def __init__(
        self,
        client: aredis.Redis,
        waiter: ResultWaiter,
        sync_client: redis.Redis,
        *,
        wait_timeout: float,
        max_inflight: int = 10_000,
        max_queue_depth: int = 10_000,
        near: NearCache | None = None,
    ) -> None:
        self.client = client
        self.waiter = waiter
        self.sync_client = sync_client  # RQ's Job object needs one to build job hashes; never used for I/O
        self.cache = AsyncCache(client, near)
        self.wait_timeout = wait_timeout
        self.max_inflight = max_inflight
        self.max_queue_depth = max_queue_depth
        self.inflight = 0
        self._workers_seen: tuple[float, int] = (-POOL_CHECK_TTL, 0)
        self._none_alive_since: float | None = None
        self._pause_seen: tuple[float, float] = (-POOL_CHECK_TTL, 0.0)
        self._paused_seen: tuple[float, bool] = (-POOL_CHECK_TTL, False)

    async def call(
        self,
        name: str,
        args: Mapping[str, Any],
        request_id: str | None = None,
        progress: Progress | None = None,
    ) -> Answer:
        """Run operation ``name`` for one caller, within this caller's own deadline."""
        op = OPERATIONS[name]
        args = dict(args)
        deadline = time.monotonic() + self.wait_timeout
        stale: CacheEntry | None = None
        try:
            if op.ttl:
                entry = await self.cache.get(op.cache_key(args))
                metrics.CACHE_LOOKUPS.labels(kind=op.cache_kind, result=_lookup(entry)).inc()
                if entry is not None and entry.fresh:
                    return Answer(unwrap(entry.envelope), "cache")
                stale = entry if entry is not None and entry.envelope.get("ok") else None
                if stale is not None:
                    deadline = min(deadline, time.monotonic() + STALE_PATIENCE)
            envelope = await self._through_pool(op, args, deadline, request_id, progress)
        except UNAVAILABLE_ERRORS + (redis.RedisError,) as exc:
            raise _backend_error(exc) from None
        except _UNAVAILABLE as exc:
            if stale is None:
                raise
            log.info("answering a stale cache entry", extra={"op": name, "age_s": stale.age_s, "reason": exc.code})
            metrics.STALE_ANSWERS.labels(kind=op.cache_kind, reason=exc.code).inc()
            return Answer(unwrap(stale.envelope), "stale", stale.age_s)
        return Answer(unwrap(envelope), "tidal")

    async def _through_pool(
        self, op: Operation, args: dict[str, Any], deadline: float, request_id: str | None, progress: Progress | None
    ) -> dict[str, Any]:
        if self.inflight >= self.max_inflight:
            metrics.ADMISSION_REFUSALS.labels(reason="inflight").inc()
            raise Busy(f"The server is busy ({self.inflight} calls waiting); retry in about 5 s.")
        self.inflight += 1
        metrics.INFLIGHT.inc()
        started = time.monotonic()
        try:
            for attempt in range(MAX_RESUBMITS + 1):
                job_id, new_job = await self.submit(op, args, request_id)
                outcome = await self._wait(job_id, new_job, deadline, started, progress, op.writes)
                if isinstance(outcome, Result) and outcome.type == Result.Type.SUCCESSFUL:
                    return cast(dict[str, Any], outcome.return_value)
                error = (
                    WorkerLost(
                        "The request was removed from the queue before it ran (an operator deleted it, or Redis lost "
                        "it); retry."
                    )
                    if outcome == LOST
                    else error_from_exc_string(outcome.exc_string, job_id)
                )
                # a write is never sent twice by us: its job already reran after any crash, and a second
                # job would plan the change afresh against a half-changed playlist
                if (
                    attempt == MAX_RESUBMITS
                    or deadline - time.monotonic() < MIN_RETRY_TIME
                    or not isinstance(error, _RESUBMIT)
                    or op.writes
                ):
                    raise error
                log.info(
                    "the job ended without an answer; submitting afresh", extra={"job_id": job_id, "reason": error.code}
                )
            raise AssertionError("unreachable")  # pragma: no cover
        finally:
            self.inflight -= 1
            metrics.INFLIGHT.dec()

    async def submit(self, op: Operation, args: dict[str, Any], request_id: str | None) -> tuple[str, bool]:
        """Enqueue (or join) the job: its id, and whether this call created it."""
        if not await self.workers_available():
            raise NoWorkers(
                "No tidal-mcp worker process is running, so TIDAL cannot be reached. Start the workers "
                "(`make run`, or `supervisorctl start tidal-mcp:*`) and retry."
            )
        job_id = op.new_job_id(args)
        coalesce = op.coalesce_key(args)
        fields = self._job_fields(op, args, job_id, coalesce, request_id)
        outcome = await enqueue(
            self.client,
            job_id,
            fields,
            queue=op.queue,
            coalesce_key=coalesce,
            coalesce_ttl_ms=(COALESCE_TTL + op.timeout) * 1000,
            max_depth=self.max_queue_depth,
        )
        if outcome.state == "busy":
            metrics.ADMISSION_REFUSALS.labels(reason="queue_depth").inc()
            raise Busy(
                f"The server is busy ({outcome.detail} requests queued for TIDAL); retry in about "
                f"{max(5, outcome.detail // 20)} s."
            )
        if outcome.state == "open":
            seconds = max(1, -(-outcome.detail // 1000))
            raise UpstreamUnavailable(
                f"TIDAL has been failing; calls are paused for about {seconds} s. Retry after that."
            )
        assert outcome.job_id is not None
        return outcome.job_id, outcome.state == "enqueued"

    def _job_fields(
        self, op: Operation, args: dict[str, Any], job_id: str, coalesce: str | None, request_id: str | None
    ) -> dict[str, Any]:
        job = Job.create(
            op.func,
            kwargs=args,
            connection=self.sync_client,
            id=job_id,
            serializer=JSONSerializer,
            timeout=op.timeout,
            result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL,
            meta={"request_id": request_id, "coalesce": coalesce, **tracing.carrier()},
            description=f"{op.name} {args}",
            status=JobStatus.QUEUED,
        )
        job.origin = op.queue
        job.enqueued_at = job.created_at
        fields = job.to_dict()
        fields["status"] = JobStatus.QUEUED.value
        return fields

    async def _wait(
        self,
        job_id: str,
        new_job: bool,
        deadline: float,
        started: float,  # type: ignore[no-untyped-def]
        progress: Progress | None,
        writes: bool = False,
    ):
        """Wait for the job's outcome until ``deadline``. A Redis outage meanwhile is waited out:
        the job is safe in Redis, and the waiter catches up when Redis answers again."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pause = await self._quietly(self.pool_pause, 0.0)
                retry = f"{max(2, round(pause))} s" if pause else "a little while"
                if writes:
                    raise JobTimeout(
                        f"The change is still running after {self.wait_timeout:g} s and will finish by itself (job "
                        f"{job_id}). Do not send it again: read the result in {retry} (e.g. get the playlist)."
                    )
                if await self._quietly(self.pool_paused, False):
                    raise Paused(
                        "An operator paused the worker pool (`tidal-mcp pause`): the request stays queued "
                        "and runs after `tidal-mcp resume`; cached answers are still served. Retry then."
                    )
                raise JobTimeout(
                    f"TIDAL did not answer within {self.wait_timeout:g} s (the request goes on and its answer will be "
                    f"cached). Retry in {retry}."
                )
            slice_s = min(remaining, PROGRESS_INTERVAL)
            outcome = await self._quietly(functools.partial(self.waiter.wait, job_id, slice_s, new_job=new_job), None)
            if outcome is not None:
                return outcome
            waited = time.monotonic() - started
            pause = await self._quietly(self.pool_pause, 0.0)
            if pause > 0 and pause > deadline - time.monotonic():
                raise RateLimited(
                    f"TIDAL is rate-limiting the pool for {pause:.0f} more s, longer than this call can "
                    f"wait; retry in about {max(2, round(pause))} s."
                )
            if progress is not None:
                message = (
                    f"TIDAL asked us to slow down; waiting ({waited:.0f} s)"
                    if pause
                    else f"waiting for TIDAL ({waited:.0f} s)"
                )
                if await self._quietly(self.pool_paused, False):
                    message = f"an operator paused the worker pool; waiting for `tidal-mcp resume` ({waited:.0f} s)"
                await progress(waited, message)
            if not await self._quietly(self.workers_available, True):
                raise NoWorkers(
                    "No tidal-mcp worker process is alive to take the request; start the workers and retry."
                )

    async def _quietly(self, fn, default):  # type: ignore[no-untyped-def]
        """``await fn()``, or ``default`` while Redis does not answer (a wait outlives short outages)."""
        try:
            return await fn()
        except UNAVAILABLE_ERRORS + (redis.RedisError,):
            await asyncio.sleep(min(PROGRESS_INTERVAL, 0.5))  # don't spin while Redis is down
            return default

    async def workers_available(self) -> bool:
        """Whether a worker can take a job: one is alive, or the registered ones were alive moments ago
        (read at most once per :data:`POOL_CHECK_TTL` per front)."""
        seen_at, available = self._workers_seen
        if time.monotonic() - seen_at < POOL_CHECK_TTL:
            return bool(available)
        alive, registered = await worker_presence(self.client)
        now = time.monotonic()
        if alive:
            self._none_alive_since = None
        elif registered and self._none_alive_since is None:
            self._none_alive_since = now
        available = alive > 0 or (registered > 0 and now - (self._none_alive_since or now) < NO_WORKERS_GRACE)
        self._workers_seen = (now, int(available))
        return available

    async def pool_paused(self) -> bool:
        """Whether an operator paused the pool (read at most once per :data:`POOL_CHECK_TTL`)."""
        seen_at, paused = self._paused_seen
        if time.monotonic() - seen_at >= POOL_CHECK_TTL:
            paused = bool(await self.client.exists(PAUSED))
            self._paused_seen = (time.monotonic(), paused)
        return paused

    async def pool_pause(self) -> float:
        """Seconds left on the pool's 429 pause (read at most once per :data:`POOL_CHECK_TTL`)."""
        seen_at, pause = self._pause_seen
        if time.monotonic() - seen_at >= POOL_CHECK_TTL:
            pause = max(0, await self.client.pttl(TRIP_KEY) or 0) / 1000
            self._pause_seen = (time.monotonic(), pause)
        return pause


def _lookup(entry: CacheEntry | None) -> str:
    if entry is None:
        return "miss"
    return "hit" if entry.fresh else "stale"


def _backend_error(exc: Exception) -> BackendUnavailable:
    log.error("redis unavailable", extra={"error": type(exc).__name__})
    return BackendUnavailable(
        "The tidal-mcp queue and cache (Redis) are not answering. Check that Redis runs (`tidal-mcp status`) and retry."
    )
