"""What every job shares: the worker context, and the :func:`tidal_job` wrapper.

A job function is written as ``fn(session, **args) -> pydantic model`` and decorated with
``@tidal_job("<operation name>")``. The wrapper, driven by the operation's catalog entry:

* takes the request id from the job's meta, so log lines of the front and worker line up;
* gets the process's tidalapi session (or answers "log in first");
* runs the function behind the pool-wide circuit breaker (:mod:`shared.circuit`), translating
  tidalapi/requests failures into the errors of :mod:`shared.errors`;
* writes the envelope to the shared cache under the operation's key and TTL, and returns it.

The job's *clock* (:class:`JobClock`) bounds every wait inside it (the pool's budget, a 429 pause,
retries) by the job's own timeout, so a 429 storm is waited out rather than passed on.

Example::

    @tidal_job("track.get")
    def get_track(session, track_id: int) -> models.Track:
        return normalize.track(session.track(track_id))
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis
import requests
from pydantic import BaseModel
from rq import get_current_job
from rq.timeouts import JobTimeoutException
from tidalapi.exceptions import AuthenticationError, ObjectNotFound, TooManyRequests

from shared import metrics, tracing
from shared.cache import Cache
from shared.catalog import OPERATIONS, Operation
from shared.circuit import PoolCircuitBreaker, circuit_from, queue_circuit_reads
from shared.errors import (
    BackendUnavailable,
    InvalidRequest,
    NotFound,
    NotLoggedIn,
    RateLimited,
    TidalMcpError,
    UpstreamUnavailable,
    ok,
)
from shared.logs import request_context
from shared.models import Track
from shared.queueing import publish_answer
from shared.ratelimit import PoolRateLimiter, RateLimitTimeout, paused_for
from shared.redis_conn import UNAVAILABLE_ERRORS
from shared.settings import Settings
from shared.tokens import GENERATION_KEY, TokenStore
from shared.upstream import UpstreamHealth
from workers.session import REJECTED_MESSAGE, SessionHolder

log = logging.getLogger(__name__)

DEFAULT_URL_LIFETIME = 300  # seconds a signed URL is assumed to live when TIDAL's answer does not say


@dataclass
class WorkerContext:
    """Everything a job needs, built once per worker process."""

    settings: Settings
    redis: redis.Redis
    cache: Cache
    sessions: SessionHolder
    breaker: PoolCircuitBreaker
    limiter: PoolRateLimiter


@dataclass(frozen=True)
class JobClock:
    """The running job's deadline (monotonic): its timeout less a margin to report cleanly."""

    deadline: float

    MARGIN = 2.0

    @classmethod
    def start(cls, timeout: float | None) -> JobClock:
        return cls(time.monotonic() + max(1.0, float(timeout or 60) - cls.MARGIN))

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())


_context: WorkerContext | None = None
_clock: JobClock | None = None


def build_context(settings: Settings, redis_client: redis.Redis) -> WorkerContext:
    limiter = PoolRateLimiter(
        redis_client,
        ceiling=settings.rate_limit,
        floor=settings.rate_floor,
        start=settings.rate_start,
        burst=settings.rate_burst,
    )
    tokens = TokenStore.from_settings(settings, redis_client)
    upstream = UpstreamHealth(redis_client)

    def observe(method: str, path: str, status: int, seconds: float) -> None:
        metrics.observe_tidal_request(method, path, status, seconds)
        upstream.request_done(status)

    sessions = SessionHolder(
        settings,
        redis_client,
        tokens,
        limiter=limiter,
        remaining=job_remaining,
        observer=observe,
        on_login=upstream.login,
    )
    breaker = PoolCircuitBreaker(redis_client, settings.circuit_failures, settings.circuit_recovery)
    return WorkerContext(settings, redis_client, Cache(redis_client, settings.stale_grace), sessions, breaker, limiter)


def set_context(context: WorkerContext | None) -> None:
    global _context
    _context = context


def current_context() -> WorkerContext:
    if _context is None:
        raise RuntimeError("no worker context: jobs run inside `tidal-mcp worker`")
    return _context


def current_context_or_none() -> WorkerContext | None:
    return _context


def set_job_clock(clock: JobClock | None) -> None:
    """Set by the worker around each job (the main thread runs one job at a time)."""
    global _clock
    _clock = clock


def job_remaining() -> float:
    """Seconds the running job may still spend waiting on TIDAL (20 s outside a job: login, tests)."""
    return _clock.remaining() if _clock is not None else 20.0


def cache_tracks(tracks: Iterable[Track]) -> None:
    """Also cache each track of a fetched album/playlist/artist, so later track lookups are hits."""
    op = OPERATIONS["track.get"]
    current_context().cache.set_many(
        {op.cache_key({"track_id": t.id}): ok(t.model_dump(mode="json")) for t in tracks}, op.ttl
    )


def tidal_job(name: str) -> Callable[[Callable[..., BaseModel]], Callable[..., dict[str, Any]]]:
    """Turn ``fn(session, **args) -> model`` into the RQ job for operation ``name``."""
    op = OPERATIONS[name]

    def decorate(fn: Callable[..., BaseModel]) -> Callable[..., dict[str, Any]]:
        @functools.wraps(fn)
        def job(**args: Any) -> dict[str, Any]:
            rq_job = get_current_job()
            meta = rq_job.meta if rq_job else {}
            with request_context(meta.get("request_id")), tracing.job_span(meta, op.name):
                return _run(op, fn, args, rq_job.id if rq_job else None)

        return job

    return decorate


def _run(op: Operation, fn: Callable[..., BaseModel], args: dict[str, Any], job_id: str | None) -> dict[str, Any]:
    context = current_context()
    start = time.perf_counter()
    outcome = "error"
    stale_ok = True
    try:
        try:
            data = _call(context, op, fn, args)
        except NotFound as exc:
            outcome, envelope, ttl = "not_found", exc.to_envelope(), op.negative_ttl
        except NotLoggedIn as exc:
            outcome, envelope, ttl = "not_logged_in", exc.to_envelope(), 0
        else:
            outcome, envelope, ttl = "ok", ok(data), op.ttl
            if op.expiring:
                ttl, stale_ok = expiring_ttl(op, data, context.settings), False
        # a read's answer goes to the waiting fronts with the cache write, ahead of RQ's bookkeeping
        along = None
        if job_id is not None and not op.writes:
            along = functools.partial(publish_answer, job_id=job_id, envelope=envelope)
        context.cache.set(op.cache_key(args), envelope, ttl, stale_ok=stale_ok, along=along)
        return envelope
    except JobTimeoutException:
        outcome = "timeout"
        context.sessions.invalidate()  # the timeout may have cut tidalapi off mid-request
        raise
    except UNAVAILABLE_ERRORS + (redis.RedisError,) as exc:
        outcome = "backend_unavailable"
        raise BackendUnavailable(
            f"Redis stopped answering while the request ran ({type(exc).__name__}); retry."
        ) from None
    finally:
        elapsed = time.perf_counter() - start
        metrics.JOBS.labels(op=op.name, outcome=outcome).inc()
        metrics.JOB_SECONDS.labels(op=op.name).observe(elapsed)
        log.info("job done", extra={"op": op.name, "outcome": outcome, "ms": round(elapsed * 1000, 1)})


def expiring_ttl(op: Operation, data: dict[str, Any], settings: Settings, ceiling: int | None = None) -> int:
    """Seconds to cache an answer that expires: until ``expires_at`` less the minimum lifetime (0: not at all)."""
    expires_at = data.get("expires_at")
    lifetime = datetime.fromisoformat(expires_at).timestamp() - time.time() if expires_at else DEFAULT_URL_LIFETIME
    return max(0, min(ceiling or op.ttl, int(lifetime - settings.stream_min_lifetime)))


def _call(context: WorkerContext, op: Operation, fn: Callable[..., BaseModel], args: dict[str, Any]) -> Any:
    if op.writes and context.settings.read_only:
        raise InvalidRequest(
            "This server is read-only (TIDAL_MCP_READ_ONLY is set on its workers): it does not change the account."
        )
    breaker = context.breaker
    pipe = context.redis.pipeline(transaction=False)  # the circuit and the login generation: one round trip
    queue_circuit_reads(pipe)
    pipe.get(GENERATION_KEY)
    replies = pipe.execute()
    if not breaker.allow(circuit_from(replies)):
        raise UpstreamUnavailable(
            f"TIDAL has been failing; calls are paused for about {max(1, breaker.open_remaining)} s. Retry after that."
        )
    session = context.sessions.get(int(replies[-1] or 0))

    def guarded() -> Any:
        try:
            return fn(session, **args).model_dump(mode="json")
        except TidalMcpError:
            raise
        except Exception as exc:  # translated, or re-raised untouched when unknown
            raise translate(exc, op, args) from None

    return breaker.call(guarded)


def translate(exc: Exception, op: Operation, args: dict[str, Any]) -> Exception:
    """Map a tidalapi/requests failure onto an error the client can act on (or return it as is)."""
    if isinstance(exc, ObjectNotFound):
        ident = (
            args.get(op.cache_id)
            if op.cache_id
            else next((value for name, value in args.items() if name.endswith("_id")), None)
        )
        return NotFound(
            f"TIDAL has no {op.cache_kind.replace('-', ' ')} with id {ident} (or it is not available in this "
            "account's country)."
        )
    if isinstance(exc, TooManyRequests):
        wait = exc.retry_after if exc.retry_after and exc.retry_after > 0 else 5
        return RateLimited(f"TIDAL is rate-limiting this account; retry in about {wait} s.")
    if isinstance(exc, RateLimitTimeout):
        wait = max(2, round(paused_for(current_context().redis)))
        return RateLimited(
            f"TIDAL is rate-limiting the pool and this request ran out of time; retry in about {wait} s."
        )
    if isinstance(exc, AuthenticationError) or (
        isinstance(exc, requests.HTTPError) and exc.response is not None and exc.response.status_code == 401
    ):
        current_context().sessions.on_login("rejected")
        return NotLoggedIn(REJECTED_MESSAGE)
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        status = exc.response.status_code
        if status >= 500:
            return UpstreamUnavailable(f"TIDAL answered {status} after retries; retry shortly.")
        return InvalidRequest(f"TIDAL refused the request with status {status}.")
    if isinstance(exc, (requests.ConnectionError, requests.Timeout)):
        return UpstreamUnavailable("TIDAL did not answer in time after retries; retry shortly.")
    if isinstance(exc, json.JSONDecodeError):
        return UpstreamUnavailable("TIDAL sent an unreadable answer; retry shortly.")
    return exc
