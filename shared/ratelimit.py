"""The pool-wide TIDAL request budget: one adaptive token bucket in Redis for every worker on every host.

Each request to TIDAL takes a token first (:meth:`PoolRateLimiter.acquire`). The check-and-take is
one Lua script, atomic across processes, on the Redis server's clock (hosts need not agree on time).

TIDAL does not publish its limits, so the bucket's *rate* adapts (AIMD, as TCP does):

* it starts at ``start`` req/s and grows while TIDAL answers: exponentially (+10 % of the rate per
  second) until the first 429, then by about 1 req/s per second;
* a 429 cuts it to ``DECREASE`` x its value (once per second, however many requests saw the 429)
  and pauses the whole pool for TIDAL's ``Retry-After`` (the *trip*): every worker's next
  ``acquire`` waits until it expires;
* ``ceiling`` (``TIDAL_MCP_RATE_LIMIT``) and ``floor`` bound it.

Example::

    limiter = PoolRateLimiter(redis_client, ceiling=50, floor=1, start=8, burst=16)
    limiter.acquire(timeout=10)        # returns the seconds waited; RateLimitTimeout otherwise
    limiter.throttled(retry_after=5)   # after a 429: slow down and pause the pool
"""

from __future__ import annotations

import time

import redis

BUCKET_KEY = "tidal:ratelimit:bucket"
TRIP_KEY = "tidal:ratelimit:trip"
DECREASE = 0.7
SLOW_START_GAIN = 0.1  # rate increase per granted request while in slow start (x rate per second)

# Returns 0 when a token was taken, otherwise the milliseconds to wait before trying again.
_TAKE_TOKEN = f"""
local trip = redis.call('PTTL', KEYS[2])
if trip > 0 then return trip end
local ceiling = tonumber(ARGV[1])
local floor = tonumber(ARGV[2])
local start = tonumber(ARGV[3])
local burst = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'rate', 'slow')
local rate = math.max(floor, math.min(ceiling, tonumber(state[3]) or start))
local slow = state[4] ~= '0'
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  if slow then rate = rate + {SLOW_START_GAIN} else rate = rate + 1 / rate end
  rate = math.min(ceiling, rate)
else
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now), 'rate', tostring(rate))
redis.call('PEXPIRE', KEYS[1], 3600000)
return wait
"""

# A 429: cut the rate (at most once per second) and pause the pool for Retry-After.
_THROTTLED = f"""
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'rate', 'cut_at')
local rate = tonumber(state[1]) or tonumber(ARGV[3])
local cut_at = tonumber(state[2]) or 0
if now - cut_at >= 1000 then
  rate = math.max(tonumber(ARGV[2]), rate * {DECREASE})
  redis.call('HSET', KEYS[1], 'rate', tostring(rate), 'cut_at', tostring(now), 'slow', '0', 'tokens', '0',
             'ts', tostring(now))
end
local pause = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[2]) < pause then redis.call('SET', KEYS[2], '1', 'PX', pause) end
return tostring(rate)
"""


class RateLimitTimeout(TimeoutError):
    """No token became free within the caller's timeout."""


class PoolRateLimiter:
    """The shared adaptive token bucket plus the shared 429 trip (see module docstring)."""

    def __init__(self, client: redis.Redis, ceiling: float, floor: float = 1.0, start: float | None = None,
                 burst: int = 16) -> None:
        self.client = client
        self.ceiling = ceiling
        self.floor = min(floor, ceiling)
        self.start = min(ceiling, start if start is not None else ceiling)
        self.burst = burst
        self._take = client.register_script(_TAKE_TOKEN)
        self._throttled = client.register_script(_THROTTLED)

    def try_acquire(self) -> int:
        """Take a token if one is free: returns 0, or the milliseconds until one might be."""
        return int(self._take(keys=[BUCKET_KEY, TRIP_KEY], args=[self.ceiling, self.floor, self.start, self.burst]))

    def acquire(self, timeout: float) -> float:
        """Block until a token is taken; return the seconds spent waiting."""
        start = time.monotonic()
        deadline = start + timeout
        while (wait_ms := self.try_acquire()) > 0:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RateLimitTimeout(f"no TIDAL request budget within {timeout:g} s")
            time.sleep(min(wait_ms / 1000, remaining))  # a token bucket's wait, not a synchronization
        return time.monotonic() - start

    def throttled(self, retry_after: float) -> float:
        """TIDAL answered 429: cut the rate, pause every worker for ``retry_after`` s. Returns the new rate."""
        ms = max(1, int(retry_after * 1000))
        return float(self._throttled(keys=[BUCKET_KEY, TRIP_KEY], args=[ms, self.floor, self.start]))

    def paused_for(self) -> float:
        """Seconds left on the current 429 pause (0 when none)."""
        return max(0, self.client.pttl(TRIP_KEY) or 0) / 1000

    def current_rate(self) -> float:
        """The bucket's current rate in requests per second."""
        raw = self.client.hget(BUCKET_KEY, "rate")
        return float(raw) if raw is not None else self.start


def paused_for(client: redis.Redis) -> float:
    """Seconds left on the pool's 429 pause, without a limiter at hand (status, metrics)."""
    return max(0, client.pttl(TRIP_KEY) or 0) / 1000
