"""The pool-wide adaptive token bucket (Lua on fakeredis) and the shared 429 pause."""

from __future__ import annotations

import fakeredis
import pytest

from shared.ratelimit import SLOW_START_STEP, TRIP_KEY, PoolRateLimiter, RateLimitTimeout, stated_budget


@pytest.fixture
def client():
    return fakeredis.FakeRedis()


def test_a_burst_is_allowed_then_requests_must_wait_about_one_token_time(client):
    limiter = PoolRateLimiter(client, ceiling=5, start=5, burst=3)
    assert [limiter.try_acquire() for _ in range(3)] == [0, 0, 0]
    wait_ms = limiter.try_acquire()
    assert 100 <= wait_ms <= 200, "one token at ~5/s is 200 ms away"


def test_two_limiters_on_one_redis_share_one_budget(client):
    first = PoolRateLimiter(client, ceiling=2, start=2, burst=2)
    second = PoolRateLimiter(client, ceiling=2, start=2, burst=2)
    assert first.try_acquire() == 0 and second.try_acquire() == 0
    assert first.try_acquire() > 250 and second.try_acquire() > 250


def test_the_bucket_holds_at_most_a_seconds_worth_of_tokens(client):
    limiter = PoolRateLimiter(client, ceiling=2, start=2, burst=16)
    assert [limiter.try_acquire() for _ in range(3)][:2] == [0, 0] and limiter.try_acquire() > 0


def test_acquire_waits_for_a_refill(client):
    limiter = PoolRateLimiter(client, ceiling=20, start=20, burst=1)
    assert limiter.acquire(timeout=1) == pytest.approx(0, abs=0.02)
    waited = limiter.acquire(timeout=1)
    assert waited >= 0.03, "the second token is ~50 ms away at 20/s"


def granted(limiter: PoolRateLimiter, client, count: int) -> None:
    """``count`` tokens taken back to back by a pool pressing on its budget (one token has just come in)."""
    for _ in range(count):
        client.hset("tidal:ratelimit:bucket", mapping={"tokens": 1, "ts": 10**15})
        assert limiter.try_acquire() == 0


def test_the_rate_grows_while_tidal_answers_and_stays_under_the_ceiling(client):
    limiter = PoolRateLimiter(client, ceiling=20, start=5, burst=1000)
    granted(limiter, client, 10)
    assert limiter.current_rate() == pytest.approx(5 + 10 * SLOW_START_STEP, abs=0.01), "slow start, per request"
    granted(limiter, client, 500)
    assert limiter.current_rate() == 20


def test_a_429_with_no_accepted_rate_known_halves_the_rate_once_and_pauses_everyone(client):
    limiter = PoolRateLimiter(client, ceiling=100, floor=2, start=40, burst=100)
    assert limiter.throttled(retry_after=5) == pytest.approx(20)
    assert limiter.throttled(retry_after=1) == pytest.approx(20), "concurrent 429s cut the rate once"
    assert 4 < limiter.paused_for() <= 5, "a shorter Retry-After never shortens the pause"
    assert limiter.try_acquire() > 4000
    with pytest.raises(RateLimitTimeout):
        limiter.acquire(timeout=0.05)
    client.delete(TRIP_KEY)
    assert limiter.acquire(timeout=1) < 0.2


def test_a_429_lands_the_rate_just_under_what_tidal_accepted(client):
    limiter = PoolRateLimiter(client, ceiling=100, floor=1, start=40, burst=100)
    bucket = "tidal:ratelimit:bucket"
    seconds, micros = client.time()
    window_start = seconds * 1000 + micros // 1000 - 2000
    client.hset(bucket, mapping={"win_start": window_start, "win_ok": 6})  # TIDAL accepted 6 in the last 2 s
    assert limiter.throttled(retry_after=0.001) == pytest.approx(2.7, abs=0.05), "90 % of the 3/s TIDAL accepted"
    assert float(client.hget(bucket, "wmax")) == pytest.approx(3, abs=0.05)


def test_after_a_429_the_rate_creeps_up_slowly_and_never_below_the_floor(client):
    limiter = PoolRateLimiter(client, ceiling=100, floor=3, start=3, burst=1000)
    assert limiter.throttled(retry_after=0.001) == 3
    client.delete(TRIP_KEY)
    bucket = "tidal:ratelimit:bucket"
    client.hset(bucket, mapping={"rate": 3, "wmax": 3.2})
    granted(limiter, client, 40)
    assert 3.05 < limiter.current_rate() < 3.2, "near the remembered limit the rate probes upwards slowly"


def test_a_stated_budget_sets_the_rate_and_caps_the_tokens_until_tidal_stops_stating_it(client):
    limiter = PoolRateLimiter(client, ceiling=100, floor=1, start=5, burst=50)
    assert limiter.told(rate=40, remaining=2) == 40
    assert [limiter.try_acquire() for _ in range(3)][:2] == [0, 0], "only what TIDAL says remains"
    assert limiter.try_acquire() > 0
    for _ in range(50):
        limiter.try_acquire(accepted=1)
    assert limiter.current_rate() == 40, "no probing past a stated budget"
    assert limiter.told(rate=500, remaining=500) == 100, "the operator's ceiling still bounds it"
    assert limiter.told(rate=0.01, remaining=0) == 1, "and the floor"


def test_each_api_family_has_its_own_bucket_and_pause(client):
    v1 = PoolRateLimiter(client, ceiling=50, start=20, burst=20)
    openapi = v1.family("openapi")
    assert openapi is v1.family("openapi") and openapi.family("v1") is v1
    openapi.told(rate=0.2, remaining=0)
    openapi.throttled(retry_after=5)
    assert openapi.try_acquire() > 0 and openapi.paused_for() > 4
    assert v1.try_acquire() == 0 and v1.paused_for() == 0 and v1.current_rate() == 20


def test_stated_budget_reads_tidals_headers():
    assert stated_budget(
        {
            "x-ratelimit-replenish-rate": "20",
            "x-ratelimit-remaining": "199",
            "x-ratelimit-burst-capacity": "200",
            "x-ratelimit-requested-tokens": "1",
        }
    ) == (20, 199)
    assert stated_budget({"x-ratelimit-remaining": "3"}) is None
    assert stated_budget({"x-ratelimit-replenish-rate": "0", "x-ratelimit-remaining": "3"}) is None
    assert stated_budget({"x-ratelimit-replenish-rate": "x", "x-ratelimit-remaining": "3"}) is None


def test_the_rate_grows_only_while_the_pool_presses_on_it(client):
    """A full bucket (the pool uses less than its budget, e.g. worker-bound) does not grow the rate."""
    limiter = PoolRateLimiter(client, ceiling=500, start=20, burst=16)
    for tokens, grows in (("16", False), ("9", False), ("7", True)):
        client.hset(
            "tidal:ratelimit:bucket",
            mapping={
                "rate": "20",
                "mode": "slow",
                "tokens": tokens,
                "ts": str(10**15),
                "win_start": str(10**15),
                "win_ok": "0",
            },
        )
        assert limiter.try_acquire() == 0
        assert (limiter.current_rate() > 20) is grows
