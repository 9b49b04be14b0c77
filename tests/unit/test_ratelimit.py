"""The pool-wide token bucket (Lua on fakeredis) and the shared 429 pause."""

from __future__ import annotations

import time

import fakeredis
import pytest

from shared.ratelimit import TRIP_KEY, PoolRateLimiter, RateLimitTimeout


@pytest.fixture
def client():
    return fakeredis.FakeRedis()


def test_a_burst_is_allowed_then_requests_must_wait(client):
    limiter = PoolRateLimiter(client, rate=5, burst=3)
    assert [limiter.try_acquire() for _ in range(3)] == [0, 0, 0]
    wait_ms = limiter.try_acquire()
    assert 0 < wait_ms <= 200


def test_two_limiters_on_one_redis_share_one_budget(client):
    first, second = PoolRateLimiter(client, rate=1, burst=2), PoolRateLimiter(client, rate=1, burst=2)
    assert first.try_acquire() == 0 and second.try_acquire() == 0
    assert first.try_acquire() > 0 and second.try_acquire() > 0


def test_acquire_waits_for_a_refill(client):
    limiter = PoolRateLimiter(client, rate=20, burst=1)
    limiter.acquire(timeout=1)
    waited = limiter.acquire(timeout=1)
    assert waited > 0


def test_a_trip_pauses_everyone_and_never_shortens(client):
    limiter = PoolRateLimiter(client, rate=100, burst=100)
    limiter.trip(retry_after=5)
    limiter.trip(retry_after=1)
    assert 4 < limiter.paused_for() <= 5
    assert limiter.try_acquire() > 4000
    with pytest.raises(RateLimitTimeout):
        limiter.acquire(timeout=0.05)
    client.delete(TRIP_KEY)
    start = time.monotonic()
    assert limiter.acquire(timeout=1) < 0.1 and time.monotonic() - start < 1
