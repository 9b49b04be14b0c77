"""Cache-first dispatch of TIDAL operations: answer from Redis, or enqueue a job and wait for it.

For ``await dispatcher.call("track.get", {"track_id": 1})``:

1. **cache**: ``GET tidal:track:1``; a hit is answered at once (data, or a cached "not found").
2. **coalesce**: identical calls in this front share one in-flight wait; identical calls across
   fronts share one RQ job, because the job id is a hash of the operation and its arguments and
   is enqueued with ``unique=True``.
3. **enqueue** on the operation's queue, with timeouts and TTLs from the catalog.
4. **wait** on the job's result stream (``XREAD BLOCK``, in short slices) until the overall
   deadline. Between slices it checks on the job: a job whose worker died (no heartbeat) is put
   back on the queue for the remaining workers; a job nobody picks up with no worker alive ends
   with "no workers"; the deadline ends with a timeout error that says the job goes on.

Errors are :class:`shared.errors.TidalMcpError` subclasses with messages meant for the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import redis
import redis.asyncio as aredis
from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from rq.results import Result
from rq.serializers import JSONSerializer

from shared import metrics
from shared.cache import AsyncCache
from shared.catalog import OPERATIONS, QUEUES, Operation
from shared.errors import BackendUnavailable, JobTimeout, NoWorkers, error_from_exc_string, unwrap
from shared.pool import HEARTBEAT_GRACE, count_live_workers

log = logging.getLogger(__name__)

RESULT_TTL = 60  # the cache is the real store; results only bridge the job -> front hand-off
FAILURE_TTL = 3600  # failed jobs stay visible in rq-dashboard for an hour
WAIT_SLICE = 1.0  # seconds per XREAD BLOCK between checks on the job
WORKERS_CHECK_TTL = 1.0  # seconds a live-worker count is reused
PROGRESS_INTERVAL = 2.0  # seconds between progress reports to a waiting client

_FINAL_FAILURES = {Result.Type.FAILED, Result.Type.STOPPED, Result.Type.MAX_RETRIES_EXCEEDED}


class Dispatcher:
    """Runs catalog operations for the MCP tools (see module docstring)."""

    def __init__(self, sync_client: redis.Redis, async_client: aredis.Redis, wait_timeout: float) -> None:
        self.sync = sync_client
        self.aredis = async_client
        self.cache = AsyncCache(async_client)
        self.wait_timeout = wait_timeout
        self.queues = {name: Queue(name, connection=sync_client, serializer=JSONSerializer) for name in QUEUES}
        self._inflight: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._workers_seen: tuple[float, int] = (0.0, 0)

    async def call(
        self,
        name: str,
        args: Mapping[str, Any],
        request_id: str | None = None,
        progress: Callable[[float], Awaitable[None]] | None = None,
    ) -> tuple[Any, str]:
        """Run operation ``name``; return ``(data, source)`` where source is "cache" or "tidal".

        ``progress(seconds_waited)`` is awaited every :data:`PROGRESS_INTERVAL` while the pool works,
        so the MCP client can show progress (and keep long calls alive).
        """
        op = OPERATIONS[name]
        args = dict(args)
        if op.ttl:
            entry = await self._cached(op, args)
            if entry is not None:
                return unwrap(entry), "cache"
        job_id = op.job_id(args)
        task = self._inflight.get(job_id)
        if task is None:
            task = asyncio.ensure_future(self._run(op, args, job_id, request_id))
            self._inflight[job_id] = task
            task.add_done_callback(lambda done: self._forget(job_id, done))
        # The task is shared: a caller that gives up must not cancel the wait of the others.
        started = time.monotonic()
        while True:
            done, _ = await asyncio.wait({task}, timeout=PROGRESS_INTERVAL)
            if done:
                return unwrap(task.result()), "tidal"
            if progress is not None:
                await progress(time.monotonic() - started)

    def _forget(self, job_id: str, task: asyncio.Future[dict[str, Any]]) -> None:
        self._inflight.pop(job_id, None)
        if not task.cancelled():
            task.exception()  # retrieved here, so callers that gave up leave no "never retrieved" warning

    async def live_workers(self) -> int:
        """How many worker processes are registered and alive (briefly cached)."""
        seen_at, count = self._workers_seen
        if time.monotonic() - seen_at < WORKERS_CHECK_TTL:
            return count
        try:
            count = await asyncio.to_thread(count_live_workers, self.sync)
        except redis.RedisError as exc:
            raise _backend_error(exc) from None
        self._workers_seen = (time.monotonic(), count)
        return count

    async def _cached(self, op: Operation, args: dict[str, Any]) -> dict[str, Any] | None:
        try:
            entry = await self.cache.get(op.cache_key(args))
        except redis.RedisError as exc:
            raise _backend_error(exc) from None
        metrics.CACHE_LOOKUPS.labels(kind=op.cache_kind, result="hit" if entry else "miss").inc()
        return entry.envelope if entry else None

    async def _run(self, op: Operation, args: dict[str, Any], job_id: str, request_id: str | None) -> dict[str, Any]:
        deadline = time.monotonic() + self.wait_timeout
        if await self.live_workers() == 0:
            raise NoWorkers(
                "No tidal-mcp worker process is running, so TIDAL cannot be reached. Start the workers "
                "(`make run`, or `supervisorctl start tidal-mcp:*`) and retry."
            )
        try:
            if await asyncio.to_thread(self._submit, op, args, job_id, request_id) == "finished":
                # An earlier identical job finished: its answer is in the cache unless evicted or
                # never cached (e.g. "not logged in"), in which case it is stale: run it afresh.
                if op.ttl and (cached := await self._cached(op, args)) is not None:
                    return cached
                await asyncio.to_thread(_delete_job, self.sync, job_id)
                await asyncio.to_thread(self._submit, op, args, job_id, request_id)
            return await self._wait(op, job_id, args, request_id, deadline)
        except redis.RedisError as exc:
            raise _backend_error(exc) from None

    def _submit(self, op: Operation, args: dict[str, Any], job_id: str, request_id: str | None) -> str:
        """Enqueue the job, or join the identical one already queued/running. Returns its state."""
        queue = self.queues[op.queue]
        for _ in range(3):
            try:
                queue.enqueue_call(
                    op.func,
                    kwargs=args,
                    job_id=job_id,
                    unique=True,
                    timeout=op.timeout,
                    result_ttl=RESULT_TTL,
                    failure_ttl=FAILURE_TTL,
                    ttl=int(self.wait_timeout) + 60,
                    meta={"request_id": request_id},
                    description=f"{op.name} {args}",
                )
                return "enqueued"
            except DuplicateJobError:
                try:
                    status = Job.fetch(job_id, connection=self.sync, serializer=JSONSerializer).get_status()
                except NoSuchJobError:
                    continue  # it expired between the two calls: enqueue again
                if status == JobStatus.FINISHED:
                    return "finished"
                if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
                    _delete_job(self.sync, job_id)  # a new request deserves a new attempt
                    continue
                return "joined"
        return "joined"

    async def _wait(
        self, op: Operation, job_id: str, args: dict[str, Any], request_id: str | None, deadline: float
    ) -> dict[str, Any]:
        key = Result.get_key(job_id)
        last_id = "0-0"
        while (remaining := deadline - time.monotonic()) > 0:
            response = await self.aredis.xread({key: last_id}, block=max(1, int(min(remaining, WAIT_SLICE) * 1000)))
            for _stream, entries in response or []:
                for entry_id, payload in entries:
                    last_id = entry_id
                    result = Result.restore(job_id, entry_id.decode(), payload, connection=self.sync,
                                            serializer=JSONSerializer)
                    if result.type == Result.Type.SUCCESSFUL:
                        return result.return_value
                    if result.type in _FINAL_FAILURES:
                        raise error_from_exc_string(result.exc_string, job_id)
            if not response:
                await self._check_on(op, job_id, args, request_id)
        raise JobTimeout(
            f"TIDAL did not answer within {self.wait_timeout:g} s (job {job_id} is still queued or running). "
            "Its result will be cached when it finishes: retry in a little while."
        )

    async def _check_on(self, op: Operation, job_id: str, args: dict[str, Any], request_id: str | None) -> None:
        """Between wait slices: requeue a job whose worker died; fail fast when no worker is left."""
        state = await asyncio.to_thread(_job_state, self.sync, job_id)
        if state in ("orphaned", "missing"):
            log.warning("requeueing a job whose worker stopped answering", extra={"job_id": job_id, "state": state})
            await asyncio.to_thread(_delete_job, self.sync, job_id)
            await asyncio.to_thread(self._submit, op, args, job_id, request_id)
        elif state == "queued" and await self.live_workers() == 0:
            raise NoWorkers("No tidal-mcp worker process is alive to take the request; start the workers and retry.")


def _job_state(client: redis.Redis, job_id: str) -> str:
    """"queued", "running", "orphaned" (started, heartbeat stale), "missing" or the RQ status."""
    try:
        job = Job.fetch(job_id, connection=client, serializer=JSONSerializer)
    except NoSuchJobError:
        return "missing"
    status = job.get_status()
    if status != JobStatus.STARTED:
        return status.value
    beat = job.last_heartbeat or job.started_at
    if beat is not None and (datetime.now(UTC) - beat.replace(tzinfo=UTC)).total_seconds() > HEARTBEAT_GRACE:
        return "orphaned"
    return "running"


def _delete_job(client: redis.Redis, job_id: str) -> None:
    """Delete a job and its result stream (RQ keeps the stream), so its id can start afresh."""
    with contextlib.suppress(NoSuchJobError):
        Job.fetch(job_id, connection=client, serializer=JSONSerializer).delete()
    client.delete(Result.get_key(job_id))


def _backend_error(exc: Exception) -> BackendUnavailable:
    log.error("redis unavailable", extra={"error": type(exc).__name__})
    return BackendUnavailable(
        "The tidal-mcp queue and cache (Redis) are not answering. Check that Redis runs (`tidal-mcp status`) "
        "and retry."
    )
