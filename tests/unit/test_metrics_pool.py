"""The pool figures ``/metrics`` reads from Redis at scrape time, and the counters fed beside them.

A real redis-server (the suite's per-worker one): the circuit, the login and TIDAL states the workers
record, the operator pause, Redis's own memory and eviction figures, and ``tidal_mcp_redis_up 0`` when
Redis does not answer.
"""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from shared import metrics
from shared.circuit import PoolCircuitBreaker
from shared.errors import UpstreamUnavailable
from shared.queueing import PAUSED
from shared.redis_conn import connect
from shared.upstream import UpstreamHealth


def scrape(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """``{(sample name, sorted labels): value}`` of one render, as Prometheus would read it."""
    body = metrics.render(client)[0].decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def one_hot(samples, name: str) -> str:
    """The state a one-hot gauge family marks current (exactly one)."""
    current = [dict(labels)["state"] for (sample, labels), value in samples.items() if sample == name and value == 1]
    assert len(current) == 1, (name, current)
    return current[0]


@pytest.fixture
def client(redis_url, monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)  # this process's own registry
    return connect(redis_url)


def fail(breaker: PoolCircuitBreaker) -> None:
    with pytest.raises(UpstreamUnavailable), breaker:
        raise UpstreamUnavailable("down")


def opens() -> float:
    return REGISTRY.get_sample_value("tidal_mcp_circuit_opens_total") or 0.0


def test_the_circuit_state_failures_and_each_opening_are_exported(client):
    first, second = PoolCircuitBreaker(client, 3, 30), PoolCircuitBreaker(client, 3, 30)
    before = opens()
    fail(first)
    fail(second)
    samples = scrape(client)
    assert one_hot(samples, "tidal_mcp_circuit_state") == "closed"
    assert samples[("tidal_mcp_circuit_consecutive_failures", ())] == 2
    assert opens() == before

    fail(first)  # the third in a row: open
    fail(second)  # a job that was already running fails too: still the same opening
    samples = scrape(client)
    assert one_hot(samples, "tidal_mcp_circuit_state") == "open"
    assert samples[("tidal_mcp_circuit_consecutive_failures", ())] == 4
    assert opens() == before + 1, "one opening, however many jobs fail while it is open"
    assert samples[("tidal_mcp_circuit_opens_total", ())] == before + 1

    client.pexpire("tidal:circuit:open", 1)  # the recovery timeout elapses: half-open, the probe fails
    client.delete("tidal:circuit:open")
    assert one_hot(scrape(client), "tidal_mcp_circuit_state") == "half_open"
    assert first.allow()
    fail(first)
    assert one_hot(scrape(client), "tidal_mcp_circuit_state") == "open"
    assert opens() == before + 2, "a failed probe reopens it: a second opening"


def test_the_login_and_tidal_as_workers_last_saw_them(client):
    samples = scrape(client)
    assert one_hot(samples, "tidal_mcp_login_state") == "unknown"
    assert one_hot(samples, "tidal_mcp_tidal_state") == "unknown"

    health = UpstreamHealth(client)
    health.login("ok")
    health.request_done(200)
    samples = scrape(client)
    assert one_hot(samples, "tidal_mcp_login_state") == "ok"
    assert one_hot(samples, "tidal_mcp_tidal_state") == "reachable"

    health.login("rejected")
    health.request_done(503)
    samples = scrape(client)
    assert one_hot(samples, "tidal_mcp_login_state") == "rejected"
    assert one_hot(samples, "tidal_mcp_tidal_state") == "failing"
    assert {dict(labels)["state"] for (name, labels) in samples if name == "tidal_mcp_login_state"} == {
        "ok",
        "missing",
        "rejected",
        "unreadable",
        "unknown",
    }, "a fixed label set"


def test_the_operator_pause_and_redis_memory_figures(client):
    samples = scrape(client)
    assert samples[("tidal_mcp_pool_paused", ())] == 0
    assert samples[("tidal_mcp_redis_up", ())] == 1
    empty_keys = samples[("tidal_mcp_redis_keys", ())]
    client.set(PAUSED, '{"by": "test"}')
    client.set("tidal:track:1", "x" * 1000)
    samples = scrape(client)
    assert samples[("tidal_mcp_pool_paused", ())] == 1
    assert samples[("tidal_mcp_redis_keys", ())] == empty_keys + 2
    assert samples[("tidal_mcp_redis_used_memory_bytes", ())] > 1000
    assert samples[("tidal_mcp_redis_maxmemory_bytes", ())] == float(client.config_get("maxmemory")["maxmemory"])
    assert ("tidal_mcp_redis_evicted_keys_total", ()) in samples


def test_evictions_are_counted(client):
    """A Redis at its maxmemory evicts cache entries: the counter says how many."""
    maxmemory = client.config_get("maxmemory")["maxmemory"]
    policy = client.config_get("maxmemory-policy")["maxmemory-policy"]
    try:
        before = scrape(client)[("tidal_mcp_redis_evicted_keys_total", ())]
        client.config_set("maxmemory-policy", "allkeys-lru")
        client.config_set("maxmemory", str(client.info("memory")["used_memory"] + 200_000))
        for i in range(200):
            client.set(f"tidal:track:{i}", "x" * 10_000)
        assert scrape(client)[("tidal_mcp_redis_evicted_keys_total", ())] > before
    finally:
        client.config_set("maxmemory", maxmemory)
        client.config_set("maxmemory-policy", policy)


def test_a_scrape_without_redis_says_so(monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    samples = scrape(None)
    assert samples[("tidal_mcp_redis_up", ())] == 0
    # nothing read from Redis is made up (the queue-wait histogram is this process's own, fed by jobs)
    read_from_redis = ("tidal_mcp_queue_jobs", "tidal_mcp_queue_oldest_job_age_seconds", "tidal_mcp_redis_keys")
    assert not any(name in read_from_redis for name, _ in samples)
