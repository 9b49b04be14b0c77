"""The pool-wide TIDAL request budget: one adaptive token bucket in Redis for every worker on every host.

Each request to TIDAL takes a token first (:meth:`PoolRateLimiter.acquire`). The check-and-take is
one Lua script, atomic across processes, on the Redis server's clock (hosts need not agree on time).

TIDAL does not publish its limits, so the bucket's *rate* adapts. Every 429 also pauses the whole
pool for TIDAL's ``Retry-After`` (the *trip*), which is expensive, so the aim is few 429s and a rate
just under what TIDAL accepts:

* **slow start**: from ``start`` req/s the rate grows by about 40 % per second while TIDAL answers,
  but only while the pool presses on it (its bucket stays under half full): an idle or
  worker-bound pool would otherwise "learn" a budget it never tried, and flood TIDAL when demand
  comes;
* **on a 429**: workers report, with each token they take, how many of their requests TIDAL
  accepted, so the bucket knows the *accepted rate* of the last seconds - which is TIDAL's budget
  while we overshoot it. The rate drops to 90 % of that (or to half when it is not known yet), at
  most once per second however many requests saw the 429, and that level is remembered (``wmax``);
* **probing**: below 90 % of ``wmax`` the rate recovers quickly (5 % of ``wmax`` per second), then
  creeps up by 0.25 % of ``wmax`` per second, so the next 429 comes tens of seconds later; well past
  ``wmax`` (TIDAL allows more now) it returns to slow start;
* **told**: where TIDAL states its budget (``x-ratelimit-replenish-rate``, ``-remaining``,
  ``-burst-capacity``, ``-requested-tokens``; openapi v2 sends them), the rate is set to what it
  states and the bucket never holds more than what it says remains; no probing while it keeps
  telling (10 s without a statement returns to probing from there);
* ``ceiling`` (``TIDAL_MCP_RATE_LIMIT``) and ``floor`` bound it; the bucket holds at most a second's
  worth of tokens (and never more than ``burst``), so an idle pool does not start with a flood.

Each API family has its own bucket and pause (``family="openapi"``: openapi.tidal.com, whose budget
TIDAL keeps apart from api.tidal.com's), so a slow openapi budget never slows v1 reads.

Example::

    limiter = PoolRateLimiter(redis_client, ceiling=50, floor=1, start=8, burst=16)
    limiter.acquire(timeout=10, accepted=1)   # seconds waited; RateLimitTimeout otherwise
    limiter.throttled(retry_after=5)          # after a 429: slow down and pause the pool
    limiter.family("openapi").told(rate=0.2, remaining=2)   # what openapi's x-ratelimit-* said
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import redis

BUCKET_KEY = "tidal:ratelimit:bucket"
TRIP_KEY = "tidal:ratelimit:trip"
FAMILIES = ("v1", "openapi")
WINDOW_MS = 2000
TOLD_FOR_MS = 10_000  # a statement of the budget holds this long
SLOW_START_STEP = 0.4  # req/s added per token taken in slow start: +40 % per second while pressed


def bucket_key(family: str = "v1") -> str:
    """The Redis hash of ``family``'s bucket (v1 keeps the historical key)."""
    return BUCKET_KEY if family == "v1" else f"{BUCKET_KEY}:{family}"


def trip_key(family: str = "v1") -> str:
    """The Redis key whose TTL is ``family``'s 429 pause."""
    return TRIP_KEY if family == "v1" else f"{TRIP_KEY}:{family}"


_PRELUDE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local s = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'rate', 'mode', 'wmax', 'win_start', 'win_ok', 'ok_rate',
                     'cut_at', 'told_at')
local floor = tonumber(ARGV[2])
local rate = math.max(floor, math.min(tonumber(ARGV[1]), tonumber(s[3]) or tonumber(ARGV[3])))
local mode = s[4] or 'slow'
local wmax = tonumber(s[5]) or 0
local win_start = tonumber(s[6]) or now
local win_ok = tonumber(s[7]) or 0
local ok_rate = tonumber(s[8])
"""

# ARGV: ceiling, floor, start, burst, accepted. Returns 0 when a token was taken, else ms to wait.
_TAKE_TOKEN = (
    _PRELUDE
    + f"""
win_ok = win_ok + tonumber(ARGV[5])
if now - win_start >= {WINDOW_MS} then
  local observed = win_ok * 1000 / (now - win_start)
  ok_rate = ok_rate and (0.5 * ok_rate + 0.5 * observed) or observed
  win_start = now
  win_ok = 0
end
local wait = redis.call('PTTL', KEYS[2])
if wait <= 0 then
  local cap = math.max(1, math.min(tonumber(ARGV[4]), rate))
  local tokens = tonumber(s[1]) or cap
  local ts = tonumber(s[2]) or now
  tokens = math.min(cap, tokens + math.max(0, now - ts) * rate / 1000)
  local pressed = tokens < cap / 2  -- less than half full: demand keeps up with the rate (bursts aside)
  wait = 0
  if tokens >= 1 then
    tokens = tokens - 1
    if mode == 'told' then
      if now - (tonumber(s[10]) or 0) > {TOLD_FOR_MS} then mode = 'avoid' end
    elseif not pressed then
      -- a full bucket: the pool uses less than its budget, and growing it would learn nothing
    elseif mode == 'slow' then
      rate = rate + {SLOW_START_STEP}
    elseif rate < 0.9 * wmax then
      rate = rate + 0.05 * wmax / rate
    elseif rate < 1.1 * wmax then
      rate = rate + 0.0025 * wmax / rate
    else
      mode = 'slow'
    end
    rate = math.min(tonumber(ARGV[1]), rate)
  else
    wait = math.ceil((1 - tokens) * 1000 / rate)
  end
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
end
redis.call('HSET', KEYS[1], 'rate', tostring(rate), 'mode', mode, 'win_start', tostring(win_start),
           'win_ok', tostring(win_ok))
if ok_rate then redis.call('HSET', KEYS[1], 'ok_rate', tostring(ok_rate)) end
redis.call('PEXPIRE', KEYS[1], 3600000)
return wait
"""
)

# ARGV: ceiling, floor, start, pause ms. A 429: cut the rate (once per second) and pause the pool.
_THROTTLED = (
    _PRELUDE
    + f"""
local cut_at = tonumber(s[9]) or 0
local pause = tonumber(ARGV[4])
if now - cut_at >= 1000 then
  local estimate = ok_rate
  if now - win_start >= {WINDOW_MS // 2} then
    local observed = win_ok * 1000 / (now - win_start)
    estimate = ok_rate and (0.5 * ok_rate + 0.5 * observed) or observed
  end
  if estimate and estimate > 0 then
    wmax = math.min(rate, estimate)
    rate = math.min(rate * 0.85, estimate * 0.9)
  else
    wmax = rate
    rate = rate * 0.5
  end
  rate = math.max(floor, rate)
  redis.call('HSET', KEYS[1], 'rate', tostring(rate), 'mode', 'avoid', 'wmax', tostring(wmax),
             'cut_at', tostring(now), 'tokens', '0', 'ts', tostring(now + pause),
             'win_start', tostring(now + pause), 'win_ok', '0')
  if estimate then redis.call('HSET', KEYS[1], 'ok_rate', tostring(estimate)) end
end
if redis.call('PTTL', KEYS[2]) < pause then redis.call('SET', KEYS[2], '1', 'PX', pause) end
return tostring(rate)
"""
)


# ARGV: ceiling, floor, start, stated rate (requests/s), stated remaining (requests), burst.
_TOLD = (
    _PRELUDE
    + """
local told = tonumber(ARGV[4])
rate = math.max(floor, math.min(tonumber(ARGV[1]), told))
local cap = math.max(1, math.min(tonumber(ARGV[6]), rate))
local tokens = math.min(tonumber(s[1]) or cap, cap, math.max(0, tonumber(ARGV[5])))
redis.call('HSET', KEYS[1], 'rate', tostring(rate), 'mode', 'told', 'wmax', tostring(told), 'told_at', tostring(now),
           'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], 3600000)
return tostring(rate)
"""
)


class RateLimitTimeout(TimeoutError):
    """No token became free within the caller's timeout."""


class PoolRateLimiter:
    """The shared adaptive token bucket plus the shared 429 trip (see module docstring)."""

    def __init__(
        self,
        client: redis.Redis,
        ceiling: float,
        floor: float = 1.0,
        start: float | None = None,
        burst: int = 16,
        family: str = "v1",
    ) -> None:
        self.client = client
        self.family_name = family
        self.keys = [bucket_key(family), trip_key(family)]
        self._siblings: dict[str, PoolRateLimiter] = {family: self}
        self.ceiling = ceiling
        self.floor = min(floor, ceiling)
        self.start = min(ceiling, start if start is not None else ceiling)
        self.burst = burst
        self._take = client.register_script(_TAKE_TOKEN)
        self._throttled = client.register_script(_THROTTLED)
        self._told = client.register_script(_TOLD)

    def family(self, name: str) -> PoolRateLimiter:
        """The limiter of another API family, with the same bounds (one per family and process)."""
        if name not in self._siblings:
            sibling = PoolRateLimiter(self.client, self.ceiling, self.floor, self.start, self.burst, family=name)
            sibling._siblings = self._siblings
            self._siblings[name] = sibling
        return self._siblings[name]

    def try_acquire(self, accepted: int = 0) -> int:
        """Take a token if one is free: returns 0, or the milliseconds until one might be.

        ``accepted``: how many of this process's requests TIDAL accepted (anything but 429) since
        its last call; the bucket learns TIDAL's budget from these.
        """
        return int(self._take(keys=self.keys, args=[self.ceiling, self.floor, self.start, self.burst, accepted]))

    def acquire(self, timeout: float, accepted: int = 0) -> float:
        """Block until a token is taken; return the seconds spent waiting."""
        start = time.monotonic()
        deadline = start + timeout
        while (wait_ms := self.try_acquire(accepted)) > 0:
            accepted = 0
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RateLimitTimeout(f"no TIDAL request budget within {timeout:g} s")
            time.sleep(min(wait_ms / 1000, remaining))  # a token bucket's wait, not a synchronization
        return time.monotonic() - start

    def throttled(self, retry_after: float) -> float:
        """TIDAL answered 429: cut the rate, pause every worker for ``retry_after`` s. Returns the new rate."""
        ms = max(1, int(retry_after * 1000))
        return float(self._throttled(keys=self.keys, args=[self.ceiling, self.floor, self.start, ms]))

    def told(self, rate: float, remaining: float) -> float:
        """TIDAL stated its budget: ``rate`` requests/s, ``remaining`` requests now. Returns the new rate."""
        return float(
            self._told(keys=self.keys, args=[self.ceiling, self.floor, self.start, rate, remaining, self.burst])
        )

    def paused_for(self) -> float:
        """Seconds left on the current 429 pause (0 when none)."""
        return paused_for(self.client, self.family_name)

    def current_rate(self) -> float:
        """The bucket's current rate in requests per second."""
        raw = self.client.hget(self.keys[0], "rate")
        return float(raw) if raw is not None else self.start


def paused_for(client: redis.Redis, family: str = "v1") -> float:
    """Seconds left on the pool's 429 pause, without a limiter at hand (status, metrics)."""
    return max(0, client.pttl(trip_key(family)) or 0) / 1000


def stated_budget(headers: Mapping[str, str]) -> tuple[float, float] | None:
    """(requests/s, requests remaining) from TIDAL's ``x-ratelimit-*`` headers, or None when absent.

    >>> stated_budget({"x-ratelimit-replenish-rate": "1", "x-ratelimit-remaining": "7",
    ...                "x-ratelimit-burst-capacity": "10", "x-ratelimit-requested-tokens": "5"})
    (0.2, 1.4)
    """
    try:
        replenish = float(headers["x-ratelimit-replenish-rate"])
        remaining = float(headers["x-ratelimit-remaining"])
        cost = max(1.0, float(headers.get("x-ratelimit-requested-tokens") or 1))
    except (KeyError, ValueError):
        return None
    if replenish <= 0:
        return None
    return replenish / cost, max(0.0, remaining) / cost
