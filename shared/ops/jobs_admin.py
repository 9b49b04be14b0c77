"""``tidal-mcp jobs``: the pool's RQ jobs by queue and state; one job in full; retry a failed one; cancel.

    tidal-mcp jobs [--queue Q] [--state queued|started|failed|finished] [--limit N] [--json]
    tidal-mcp jobs show JOB_ID [--json]
    tidal-mcp jobs retry JOB_ID        a failed job back on its queue (workers pick it up at once)
    tidal-mcp jobs retry --all [--queue Q]   every failed job (of one queue), with progress on a terminal
    tidal-mcp jobs cancel JOB_ID       a queued job taken off its queue (a running one finishes or times out)

These are the pool's own RQ jobs (one per TIDAL operation or batch chunk), the same rq-dashboard
shows; a long operation's progress is ``tidal_get_job`` / ``tidal_cancel_job`` over MCP.
"""

from __future__ import annotations

from typing import Any

import redis
from rq import Queue
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry, FinishedJobRegistry, StartedJobRegistry
from rq.serializers import JSONSerializer

from shared.ops.progress import Progress
from shared.queueing import DOORBELL, QUEUES

STATES = ("queued", "started", "failed", "finished")


class JobsAdminError(ValueError):
    """An unknown job, or one in a state the action does not apply to."""


def _queue(client: redis.Redis, name: str) -> Queue:
    return Queue(name, connection=client, serializer=JSONSerializer)


def _ids(queue: Queue, state: str, limit: int) -> list[str]:
    if state == "queued":
        return queue.get_job_ids(0, limit - 1)
    registry = {"started": StartedJobRegistry, "failed": FailedJobRegistry, "finished": FinishedJobRegistry}[state]
    return registry(queue=queue).get_job_ids(0, limit - 1)


def _error(job: Job) -> str | None:
    text = job.exc_info or ""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else None


def _summary(job: Job, queue: str, state: str) -> dict[str, Any]:
    return {
        "id": job.id,
        "queue": queue,
        "state": state,
        "function": (job.func_name or "").rsplit(".", 1)[-1],
        "enqueued_at": job.enqueued_at.isoformat() if job.enqueued_at else None,
        "ended_at": job.ended_at.isoformat() if job.ended_at else None,
        "error": _error(job),
    }


def list_jobs(
    client: redis.Redis, queue: str | None = None, state: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Jobs per queue and state, newest registries first, at most ``limit`` per queue and state."""
    found = []
    for name in [queue] if queue else QUEUES:
        q = _queue(client, name)
        for wanted in [state] if state else STATES:
            ids = _ids(q, wanted, limit)
            for job in Job.fetch_many(ids, connection=client, serializer=JSONSerializer):
                if job is not None:
                    found.append(_summary(job, name, wanted))
    return found


def _fetch(client: redis.Redis, job_id: str) -> Job:
    try:
        return Job.fetch(job_id, connection=client, serializer=JSONSerializer)
    except NoSuchJobError:
        raise JobsAdminError(f"no job {job_id!r} (finished jobs are kept a minute; see `tidal-mcp jobs`)") from None


def show(client: redis.Redis, job_id: str) -> dict[str, Any]:
    """One job in full: its operation's arguments, times, worker, and the end of its error."""
    job = _fetch(client, job_id)
    status = job.get_status(refresh=False)
    return {
        **_summary(job, job.origin, str(status.value if status else "unknown")),
        "arguments": job.kwargs,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "worker": job.worker_name,
        "request_id": job.meta.get("request_id"),
        "traceback_tail": (job.exc_info or "").strip().splitlines()[-5:],
    }


def retry(client: redis.Redis, job_id: str) -> dict[str, Any]:
    """Put a failed job back on its queue and wake the workers."""
    job = _fetch(client, job_id)
    if job.get_status(refresh=False) != JobStatus.FAILED:
        raise JobsAdminError(f"job {job_id} is not failed; only failed jobs are retried")
    FailedJobRegistry(queue=_queue(client, job.origin)).requeue(job_id)
    client.lpush(DOORBELL, "1")
    return {"id": job_id, "queue": job.origin, "state": "queued"}


def retry_failed(client: redis.Redis, queue: str | None = None, progress: Progress | None = None) -> dict[str, Any]:
    """Put every failed job (of ``queue``, or of every queue) back on its queue; how many, per queue."""
    retried: dict[str, int] = {}
    registries = [FailedJobRegistry(queue=_queue(client, name)) for name in ([queue] if queue else QUEUES)]
    if progress is not None:
        progress.total = sum(registry.count for registry in registries)
    for registry in registries:
        for job_id in registry.get_job_ids():
            try:
                registry.requeue(job_id)
            except (NoSuchJobError, InvalidJobOperation):
                continue  # expired or already requeued meanwhile
            retried[registry.name] = retried.get(registry.name, 0) + 1
            if progress is not None:
                progress.advance()
    if retried:
        client.lpush(DOORBELL, "1")
    return {"retried": sum(retried.values()), "queues": retried}


def cancel(client: redis.Redis, job_id: str) -> dict[str, Any]:
    """Take a queued job off its queue (callers waiting on it are told it was lost)."""
    job = _fetch(client, job_id)
    if job.get_status(refresh=False) != JobStatus.QUEUED:
        raise JobsAdminError(
            f"job {job_id} is not queued ({job.get_status(refresh=False)}); a running job "
            "finishes or times out by itself"
        )
    job.cancel()
    return {"id": job_id, "queue": job.origin, "state": "canceled"}


def render(jobs: list[dict[str, Any]]) -> str:
    """``list_jobs`` as a table for a terminal."""
    if not jobs:
        return "no jobs"
    lines = [f"{'queue':<13} {'state':<9} {'function':<22} {'id':<48} error"]
    for job in jobs:
        lines.append(f"{job['queue']:<13} {job['state']:<9} {job['function']:<22} {job['id']:<48} {job['error'] or ''}")
    return "\n".join(lines)
