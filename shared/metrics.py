"""Prometheus metrics, in prometheus-client's multiprocess mode.

Every process (front, each worker) writes its samples to ``PROMETHEUS_MULTIPROC_DIR``; the front's
``/metrics`` aggregates them and adds live pool figures read from Redis at scrape time (queue
depth and the oldest job's age, workers busy/idle, failed jobs, the 429 pause and budget, the circuit,
TIDAL and the login as workers last saw them, an operator's pause, Redis memory and evictions). Every
label set is bounded: no ids, URLs or user input. The launchers (``tidal-mcp run``/``supervise``/``demo``)
set the directory before any process starts and wipe it, as multiprocess mode requires.

Example::

    TIDAL_REQUESTS.labels(method="GET", route="/v1/tracks/{id}", status="200").inc()
    body, content_type = render(redis_client)
"""

from __future__ import annotations

import os
import re
from collections import Counter as Counter_
from typing import cast

import redis
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

TOOL_CALLS = Counter("tidal_mcp_tool_calls", "MCP tool calls by outcome", ["tool", "outcome"])
TOOL_SECONDS = Histogram(
    "tidal_mcp_tool_seconds",
    "MCP tool call latency as the front saw it",
    ["tool", "source"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
CACHE_LOOKUPS = Counter("tidal_mcp_cache_lookups", "Front cache lookups (hit, stale, miss)", ["kind", "result"])
STALE_ANSWERS = Counter(
    "tidal_mcp_stale_answers",
    "Calls answered from an expired cache entry because TIDAL could not be asked",
    ["kind", "reason"],
)
ADMISSION_REFUSALS = Counter("tidal_mcp_admission_refusals", "Calls refused as busy", ["reason"])
INFLIGHT = Gauge("tidal_mcp_inflight_waits", "Calls waiting for the pool, per front", multiprocess_mode="livesum")
QUEUE_WAIT_SECONDS = Histogram(
    "tidal_mcp_queue_wait_seconds",
    "Time jobs waited in their queue (Redis clock)",
    ["queue"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
LOGIN_REFRESHES = Counter(
    "tidal_mcp_login_refreshes",
    "Access-token refreshes by outcome (refreshed, adopted from another worker, rejected, failed, keyring_save_failed)",
    ["outcome"],
)
RATE_LIMIT_PAUSES = Counter("tidal_mcp_rate_limit_pauses", "TIDAL 429 answers that slowed and paused the pool", ["api"])
JOBS = Counter("tidal_mcp_jobs", "Worker jobs by operation and outcome", ["op", "outcome"])
JOB_SECONDS = Histogram("tidal_mcp_job_seconds", "Worker job duration", ["op"])
TIDAL_REQUESTS = Counter("tidal_mcp_tidal_requests", "HTTP requests sent to TIDAL", ["method", "route", "status"])
CIRCUIT_OPENS = Counter(
    "tidal_mcp_circuit_opens", "Times the pool-wide circuit breaker opened (or reopened after a failed probe)"
)
TIDAL_SECONDS = Histogram(
    "tidal_mcp_tidal_request_seconds",
    "TIDAL HTTP request latency",
    ["method", "route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def prime() -> None:
    """Create every counter series whose labels are known up front at zero, so dashboards and alerts
    (``increase(...) > 0``) see the first event rather than a series that appears with it."""
    from shared.catalog import OPERATIONS
    from shared.ratelimit import FAMILIES

    for outcome in ("refreshed", "adopted", "rejected", "failed", "keyring_save_failed"):
        LOGIN_REFRESHES.labels(outcome=outcome)
    for family in FAMILIES:
        RATE_LIMIT_PAUSES.labels(api=family)
    for reason in ("inflight", "queue_depth"):
        ADMISSION_REFUSALS.labels(reason=reason)
    for kind in {op.cache_kind for op in OPERATIONS.values() if op.ttl}:
        for result in ("hit", "stale", "miss"):
            CACHE_LOOKUPS.labels(kind=kind, result=result)


def observe_tidal_request(method: str, path: str, status: int, seconds: float) -> None:
    """The :data:`shared.tidal.Observer` that feeds the TIDAL request metrics."""
    route = route_template(path)
    TIDAL_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    TIDAL_SECONDS.labels(method=method, route=route).observe(seconds)


_ID_SEGMENT = re.compile(r"^(\d+|[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}|(?=.*\d)[A-Za-z0-9]{10,})$")


def route_template(path: str) -> str:
    """A TIDAL URL path with its ids replaced, so the label set stays bounded.

    >>> route_template("/v1/tracks/77646170/radio")
    '/v1/tracks/{id}/radio'
    >>> route_template("/v1/playlists/433e343f-404f-4456-bfd9-2127ceeb3fbc/items")
    '/v1/playlists/{id}/items'
    """
    parts = ["{id}" if _ID_SEGMENT.match(part) else part for part in path.split("/")]
    if len(parts) > 2 and parts[2] == "pages" and len(parts) > 3 and not parts[3].startswith("{"):
        parts[3] = parts[3].split("_", 1)[0]  # pages/genre_pop, pages/mood_party: one route each kind
    return "/".join(parts)[:80]


class PoolCollector(Collector):
    """Pool figures read from Redis at scrape time (not per process)."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def collect(self):  # type: ignore[override]
        yield GaugeMetricFamily("tidal_mcp_redis_up", "Whether the front reached Redis for this scrape", value=1.0)
        from rq import Queue
        from rq.registry import FailedJobRegistry, StartedJobRegistry

        from shared.circuit import STATES, circuit_state
        from shared.pool import count_live_workers
        from shared.queueing import PAUSED, QUEUES
        from shared.ratelimit import FAMILIES, bucket_key, paused_for
        from shared.upstream import LOGIN_STATES, read_upstream

        depth = GaugeMetricFamily("tidal_mcp_queue_jobs", "Jobs per queue and state", labels=["queue", "state"])
        for name in QUEUES:
            queue = Queue(name, connection=self.client)
            depth.add_metric([name, "queued"], queue.count)
            depth.add_metric([name, "started"], StartedJobRegistry(queue=queue).get_job_count(cleanup=False))
            depth.add_metric([name, "failed"], FailedJobRegistry(queue=queue).get_job_count(cleanup=False))
        yield depth
        yield self._oldest(QUEUES)
        yield GaugeMetricFamily("tidal_mcp_workers", "Live worker processes", value=count_live_workers(self.client))
        busy = GaugeMetricFamily("tidal_mcp_worker_states", "Live worker processes by state", labels=["state"])
        states = Counter_(self._worker_states())
        for name in ("busy", "idle"):
            busy.add_metric([name], states.get(name, 0))
        yield busy
        memory = self.client.info("memory")
        yield GaugeMetricFamily(
            "tidal_mcp_redis_used_memory_bytes",
            "Memory Redis uses (cache, queues, jobs)",
            value=float(memory.get("used_memory", 0)),
        )
        yield GaugeMetricFamily(
            "tidal_mcp_redis_maxmemory_bytes",
            "Redis's maxmemory (0 = no limit)",
            value=float(memory.get("maxmemory", 0)),
        )
        stats = self.client.info("stats")
        yield CounterMetricFamily(
            "tidal_mcp_redis_evicted_keys",
            "Keys Redis evicted for maxmemory since it started",
            value=float(stats.get("evicted_keys", 0)),
        )
        yield GaugeMetricFamily(
            "tidal_mcp_redis_keys",
            "Keys in the pool's Redis database (cache, jobs, state)",
            value=float(self.client.dbsize()),
        )
        yield GaugeMetricFamily(
            "tidal_mcp_pool_paused",
            "1 while an operator has paused the pool (tidal-mcp pause)",
            value=1.0 if self.client.exists(PAUSED) else 0.0,
        )
        pause = GaugeMetricFamily(
            "tidal_mcp_rate_limit_pause_seconds", "Seconds left on the pool's 429 pause", labels=["api"]
        )
        budget = GaugeMetricFamily(
            "tidal_mcp_rate_limit_rate", "The pool's current TIDAL budget (requests/s)", labels=["api"]
        )
        for family in FAMILIES:
            pause.add_metric([family], paused_for(self.client, family))
            rate = self.client.hget(bucket_key(family), "rate")
            if rate is not None:
                budget.add_metric([family], float(rate))
        yield pause
        yield budget
        circuit = circuit_state(self.client)
        state = GaugeMetricFamily(
            "tidal_mcp_circuit_state", "The pool-wide circuit breaker (1 = current state)", labels=["state"]
        )
        for name in STATES:
            state.add_metric([name], 1.0 if circuit["state"] == name else 0.0)
        yield state
        yield GaugeMetricFamily(
            "tidal_mcp_circuit_consecutive_failures",
            "Failed jobs in a row (the circuit opens at TIDAL_MCP_CIRCUIT_FAILURES)",
            value=float(circuit["consecutive_failures"]),
        )
        upstream = read_upstream(self.client)
        yield _one_hot(
            "tidal_mcp_tidal_state",
            "What the pool last saw of TIDAL (1 = current): reachable, failing "
            "(5xx or no answer) or unknown (no request for 10 min)",
            TIDAL_STATES,
            upstream["tidal"],
        )
        yield _one_hot(
            "tidal_mcp_login_state",
            "The pool's TIDAL login as workers last saw it (1 = current)",
            (*LOGIN_STATES, "unknown"),
            upstream["login"],
        )

    def _oldest(self, queues: tuple[str, ...]) -> GaugeMetricFamily:
        """Seconds the job at the head of each queue has waited (0 for an empty queue), on Redis's clock."""
        from shared.queueing import job_key, queue_key

        family = GaugeMetricFamily(
            "tidal_mcp_queue_oldest_job_age_seconds", "Age of the oldest queued job", labels=["queue"]
        )
        seconds, micros = self.client.time()
        now_ms = seconds * 1000 + micros // 1000
        for name in queues:
            head = cast(bytes | None, self.client.lindex(queue_key(name), 0))  # no decode_responses
            enqueued = self.client.hget(job_key(head.decode()), "tidal_enqueued_ms") if head else None
            family.add_metric([name], max(0.0, (now_ms - int(enqueued)) / 1000) if enqueued else 0.0)
        return family

    def _worker_states(self) -> list[str]:
        from rq import Worker

        from shared.pool import live_worker_names

        alive = set(live_worker_names(self.client))
        return [w.state for w in Worker.all(connection=self.client) if w.name in alive]


TIDAL_STATES = ("reachable", "failing", "unknown")


def _one_hot(name: str, documentation: str, states: tuple[str, ...], current: str) -> GaugeMetricFamily:
    """A gauge per state, 1 for ``current`` and 0 for the others (a state never seen counts as the last)."""
    family = GaugeMetricFamily(name, documentation, labels=["state"])
    current = current if current in states else states[-1]
    for state in states:
        family.add_metric([state], 1.0 if state == current else 0.0)
    return family


class _RedisDown(Collector):
    """``tidal_mcp_redis_up 0``: what a scrape says when Redis does not answer."""

    def collect(self):  # type: ignore[override]
        yield GaugeMetricFamily("tidal_mcp_redis_up", "Whether the front reached Redis for this scrape", value=0.0)


class _Forward(Collector):
    """Exposes another registry's metrics (the process's own, outside multiprocess mode)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self):  # type: ignore[override]
        yield from self.registry.collect()


def render(client: redis.Redis | None) -> tuple[bytes, str]:
    """The text exposition of every process's metrics plus the pool figures."""
    registry = CollectorRegistry()
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        MultiProcessCollector(registry)
    else:  # a single process (tests, ad-hoc runs): its own metrics
        registry.register(_Forward(REGISTRY))
    if client is not None:
        registry.register(PoolCollector(client))
    else:
        registry.register(_RedisDown())
    if not directory:
        return generate_latest(registry), CONTENT_TYPE_LATEST
    from shared.metrics_reaper import locked

    with locked(directory, shared=True):  # never halfway through a reap
        return generate_latest(registry), CONTENT_TYPE_LATEST
