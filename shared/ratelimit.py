"""A pool-wide TIDAL request budget: one token bucket in Redis shared by every worker on every host.

Each request to TIDAL takes a token first (:meth:`PoolRateLimiter.acquire`). The bucket refills at
``rate`` tokens per second up to ``burst``; the check-and-take is one Lua script, so it is atomic
across processes, and it reads the Redis server's clock, so hosts need not agree on the time.

When TIDAL answers 429 anyway, :meth:`PoolRateLimiter.trip` pauses the whole pool for the
``Retry-After`` it sent: every worker's next ``acquire`` waits until the trip expires.

Example::

    limiter = PoolRateLimiter(redis_client, rate=8, burst=16)
    limiter.acquire(timeout=10)        # returns when a token is taken; RateLimitTimeout otherwise
    limiter.trip(retry_after=5)        # after a 429
"""

from __future__ import annotations

import time

import redis

BUCKET_KEY = "tidal:ratelimit:bucket"
TRIP_KEY = "tidal:ratelimit:trip"

# Returns 0 when a token was taken, otherwise the milliseconds to wait before trying again.
_TAKE_TOKEN = """
local trip = redis.call('PTTL', KEYS[2])
if trip > 0 then return trip end
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return wait
"""


class RateLimitTimeout(TimeoutError):
    """No token became free within the caller's timeout."""


class PoolRateLimiter:
    """The shared token bucket plus the shared 429 trip (see module docstring)."""

    def __init__(self, client: redis.Redis, rate: float, burst: int) -> None:
        self.client = client
        self.rate = rate
        self.burst = burst
        self._script = client.register_script(_TAKE_TOKEN)

    def try_acquire(self) -> int:
        """Take a token if one is free: returns 0, or the milliseconds until one might be."""
        return int(self._script(keys=[BUCKET_KEY, TRIP_KEY], args=[self.rate, self.burst]))

    def acquire(self, timeout: float) -> float:
        """Block until a token is taken; return the seconds spent waiting."""
        start = time.monotonic()
        deadline = start + timeout
        while (wait_ms := self.try_acquire()) > 0:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RateLimitTimeout(f"no TIDAL request budget within {timeout:g} s")
            time.sleep(min(wait_ms / 1000, remaining))
        return time.monotonic() - start

    def trip(self, retry_after: float) -> None:
        """Pause every worker for ``retry_after`` seconds (never shortens a longer pause)."""
        ms = max(1, int(retry_after * 1000))
        current = self.client.pttl(TRIP_KEY)
        if current is None or current < ms:
            self.client.set(TRIP_KEY, b"1", px=ms)

    def paused_for(self) -> float:
        """Seconds left on the current 429 pause (0 when none)."""
        ms = self.client.pttl(TRIP_KEY)
        return max(0, ms or 0) / 1000
