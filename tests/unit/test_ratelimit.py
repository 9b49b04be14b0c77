"""The pool-wide adaptive token bucket (Lua on fakeredis) and the shared 429 pause."""

from __future__ import annotations

import fakeredis
import pytest

from shared.ratelimit import TRIP_KEY, PoolRateLimiter, RateLimitTimeout


@pytest.fixture
def client():
    return fakeredis.FakeRedis()


def test_a_burst_is_allowed_then_requests_must_wait_about_one_token_time(client):
    limiter = PoolRateLimiter(client, ceiling=5, start=5, burst=3)
    assert [limiter.try_acquire() for _ in range(3)] == [0, 0, 0]
    wait_ms = limiter.try_acquire()
    assert 100 <= wait_ms <= 200, "one token at ~5/s is 200 ms away"


def test_two_limiters_on_one_redis_share_one_budget(client):
    first = PoolRateLimiter(client, ceiling=1, start=1, burst=2)
    second = PoolRateLimiter(client, ceiling=1, start=1, burst=2)
    assert first.try_acquire() == 0 and second.try_acquire() == 0
    assert first.try_acquire() > 500 and second.try_acquire() > 500


def test_acquire_waits_for_a_refill(client):
    limiter = PoolRateLimiter(client, ceiling=20, start=20, burst=1)
    assert limiter.acquire(timeout=1) == pytest.approx(0, abs=0.02)
    waited = limiter.acquire(timeout=1)
    assert waited >= 0.03, "the second token is ~50 ms away at 20/s"


def test_the_rate_grows_while_tidal_answers_and_stays_under_the_ceiling(client):
    limiter = PoolRateLimiter(client, ceiling=20, start=5, burst=1000)
    for _ in range(50):
        assert limiter.try_acquire() == 0
    assert limiter.current_rate() == pytest.approx(10, abs=0.01), "slow start: +0.1 per granted request"
    for _ in range(500):
        limiter.try_acquire()
    assert limiter.current_rate() == 20


def test_a_429_cuts_the_rate_once_pauses_everyone_and_never_shortens_a_pause(client):
    limiter = PoolRateLimiter(client, ceiling=100, floor=2, start=40, burst=100)
    assert limiter.throttled(retry_after=5) == pytest.approx(28)
    assert limiter.throttled(retry_after=1) == pytest.approx(28), "concurrent 429s cut the rate once"
    assert 4 < limiter.paused_for() <= 5
    assert limiter.try_acquire() > 4000
    with pytest.raises(RateLimitTimeout):
        limiter.acquire(timeout=0.05)
    client.delete(TRIP_KEY)
    client.hset("tidal:ratelimit:bucket", "cut_at", 0)  # a second later
    assert limiter.throttled(retry_after=0.01) == pytest.approx(28 * 0.7)


def test_after_a_429_the_rate_grows_linearly_and_never_below_the_floor(client):
    limiter = PoolRateLimiter(client, ceiling=100, floor=3, start=3, burst=1000)
    assert limiter.throttled(retry_after=0.001) == 3
    client.delete(TRIP_KEY)
    client.hset("tidal:ratelimit:bucket", "tokens", 1000)
    for _ in range(30):
        limiter.try_acquire()
    assert 3 < limiter.current_rate() < 15, "congestion avoidance grows by about 1/rate per request"
