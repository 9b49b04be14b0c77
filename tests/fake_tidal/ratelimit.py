"""Token buckets: TIDAL's openapi budget (told in ``x-ratelimit-*``) and a hidden one (never told).

``Budget(rate=2, burst=5)`` keeps one bucket per key (an access token, or ``"global"``);
``budget.take(key, cost)`` answers a :class:`Verdict` whose ``headers()`` are the four
``x-ratelimit-*`` headers openapi.tidal.com sends (kellnerd/harmony PR #84 recorded them).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    """The outcome of one ``take``: allowed or not, what is left, how long to wait."""

    allowed: bool
    remaining: int
    wait_s: float
    rate: float
    burst: int
    cost: int

    @property
    def retry_after(self) -> int:
        """Integer seconds until the request would pass (>= 1)."""
        return max(1, math.ceil(self.wait_s))

    def headers(self) -> dict[str, str]:
        """``x-ratelimit-remaining``, ``-replenish-rate``, ``-burst-capacity``, ``-requested-tokens``."""
        rate = int(self.rate) if float(self.rate).is_integer() else self.rate
        return {
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-replenish-rate": str(rate),
            "x-ratelimit-burst-capacity": str(self.burst),
            "x-ratelimit-requested-tokens": str(self.cost),
        }


class Budget:
    """Buckets of ``burst`` tokens refilled at ``rate`` per second, one per key; thread-safe."""

    def __init__(self, rate: float, burst: int, cost: int = 1) -> None:
        if rate <= 0 or burst < 1 or cost < 1:
            raise ValueError("rate must be > 0, burst and cost >= 1")
        self.rate = rate
        self.burst = burst
        self.cost = cost
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, cost: int | None = None) -> Verdict:
        """Take ``cost`` tokens from ``key``'s bucket if it holds them."""
        cost = self.cost if cost is None else cost
        with self._lock:
            now = time.monotonic()
            tokens, stamp = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - stamp) * self.rate)
            allowed = tokens >= cost
            if allowed:
                tokens -= cost
            self._buckets[key] = (tokens, now)
            wait = 0.0 if allowed else (cost - tokens) / self.rate
        return Verdict(allowed, int(tokens), wait, self.rate, self.burst, cost)

    def peek(self, key: str) -> Verdict:
        """The bucket's state without taking anything (for headers on requests it does not meter)."""
        return self.take(key, 0)
