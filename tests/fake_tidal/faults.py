"""Fault injection: latency, stalls, random errors, a visible rate limit and a hidden budget.

The settings come from the command line (``--latency-ms``, ``--rate-limit``, ``--budget-rate``...)
and can be overridden at run time with ``POST /_control/faults``.
"""

from __future__ import annotations

import math
import random
import re
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from .options import BUDGET_SCOPES, EmulatorOptions
from .ratelimit import Budget


@dataclass
class FaultSettings:
    """Current fault injection; ``None`` rate_limit means unlimited."""

    latency_ms: int = 0
    #: Added after the route ran, before its answer leaves: a client that dies meanwhile never learns
    #: that its request was applied.
    answer_latency_ms: int = 0
    error_rate: float = 0.0
    error_status: int = 503
    stall_rate: float = 0.0
    stall_ms: int = 10_000
    rate_limit: float | None = None
    retry_after: int | None = None
    path_regex: str | None = None
    #: Hidden budget (never advertised unless ``ratelimit_headers``): rate/s, burst, token|global.
    budget_rate: float | None = None
    budget_burst: int = 10
    budget_scope: str = "token"
    ratelimit_headers: bool = False
    #: The openapi bucket its x-ratelimit-* headers describe.
    openapi_rate: float = 20.0
    openapi_burst: int = 200
    openapi_cost: int = 1
    _pattern: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    def applies_to(self, path: str) -> bool:
        """Whether the error/stall/rate-limit faults apply to ``path``."""
        return self._pattern is None or self._pattern.search(path) is not None

    def as_json(self) -> dict[str, Any]:
        """The settings as ``GET /_control/faults`` serves them."""
        data = asdict(self)
        data.pop("_pattern")
        return data


def parse_fault_body(body: dict[str, Any], base: FaultSettings) -> FaultSettings:
    """Validate a ``POST /_control/faults`` body and overlay it on ``base``.

    Raises ValueError with a readable message for bad values.
    """
    allowed = set(base.as_json())
    unknown = set(body) - allowed
    if unknown:
        raise ValueError(f"unknown fault keys: {sorted(unknown)}")
    merged = {**base.as_json(), **body}
    for key in ("error_rate", "stall_rate"):
        rate = float(merged[key])
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"{key} must be within 0..1")
        merged[key] = rate
    for key in ("latency_ms", "answer_latency_ms", "stall_ms"):
        merged[key] = int(merged[key])
        if merged[key] < 0:
            raise ValueError(f"{key} must be >= 0")
    status = int(merged["error_status"])
    if not 400 <= status <= 599:
        raise ValueError("error_status must be a 4xx or 5xx status")
    merged["error_status"] = status
    if merged["rate_limit"] is not None:
        merged["rate_limit"] = float(merged["rate_limit"])
        if merged["rate_limit"] <= 0:
            raise ValueError("rate_limit must be > 0 (or null for unlimited)")
    if merged["retry_after"] is not None:
        merged["retry_after"] = max(1, int(merged["retry_after"]))
    _budget_fields(merged)
    pattern = re.compile(merged["path_regex"]) if merged["path_regex"] else None
    return FaultSettings(**merged, _pattern=pattern)


def _budget_fields(merged: dict[str, Any]) -> None:
    """Validate (in place) the hidden-budget and openapi-bucket fields."""
    if merged["budget_rate"] is not None:
        merged["budget_rate"] = float(merged["budget_rate"])
        if merged["budget_rate"] <= 0:
            raise ValueError("budget_rate must be > 0 (or null for no hidden budget)")
    if merged["budget_scope"] not in BUDGET_SCOPES:
        raise ValueError(f"budget_scope must be one of {list(BUDGET_SCOPES)}")
    if not isinstance(merged["ratelimit_headers"], bool):
        raise ValueError("ratelimit_headers must be true or false")
    merged["openapi_rate"] = float(merged["openapi_rate"])
    if merged["openapi_rate"] <= 0:
        raise ValueError("openapi_rate must be > 0")
    for key in ("budget_burst", "openapi_burst", "openapi_cost"):
        merged[key] = int(merged[key])
        if merged[key] < 1:
            raise ValueError(f"{key} must be >= 1")


def defaults_from(options: EmulatorOptions) -> FaultSettings:
    """The fault settings the command-line options start with."""
    return FaultSettings(
        latency_ms=options.latency_ms,
        rate_limit=options.rate_limit,
        budget_rate=options.budget_rate,
        budget_burst=options.budget_burst,
        budget_scope=options.budget_scope,
        ratelimit_headers=options.ratelimit_headers,
        openapi_rate=float(options.openapi_rate),
        openapi_burst=options.openapi_burst,
        openapi_cost=options.openapi_cost,
    )


class TokenBucket:
    """Requests-per-second limiter with burst ``max(1, rate)``; thread-safe."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)
        self.tokens = self.capacity
        self.stamp = time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> float:
        """Take one token. Returns 0 when allowed, else the seconds until one is available."""
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= 1.0:
                self.tokens -= 1.0
                return 0.0
            return (1.0 - self.tokens) / self.rate


class FaultInjector:
    """Holds the active settings, the bucket for the active rate, and a seeded RNG."""

    def __init__(self, defaults: FaultSettings, seed: int) -> None:
        self.defaults = defaults
        self.settings = defaults
        self.rng = random.Random(f"faults:{seed}")
        self.bucket: TokenBucket | None = None
        self.budget: Budget | None = None
        self.openapi: Budget = Budget(defaults.openapi_rate, defaults.openapi_burst, defaults.openapi_cost)
        self._rebuild(defaults, force=True)

    def _rebuild(self, settings: FaultSettings, *, force: bool = False) -> None:
        """Fresh, full buckets for whichever rates changed."""
        old = self.settings
        if force or settings.rate_limit != old.rate_limit or self.bucket is None:
            self.bucket = TokenBucket(settings.rate_limit) if settings.rate_limit else None
        budget_keys = ("budget_rate", "budget_burst", "budget_scope")
        if force or any(getattr(settings, k) != getattr(old, k) for k in budget_keys):
            rate = settings.budget_rate
            self.budget = Budget(rate, settings.budget_burst) if rate else None
        openapi_keys = ("openapi_rate", "openapi_burst", "openapi_cost")
        if force or any(getattr(settings, k) != getattr(old, k) for k in openapi_keys):
            self.openapi = Budget(settings.openapi_rate, settings.openapi_burst, settings.openapi_cost)

    def configure(self, settings: FaultSettings) -> None:
        """Replace the settings (a changed rate gets a fresh, full bucket)."""
        self._rebuild(settings)
        self.settings = settings

    def clear(self) -> None:
        """Back to the command-line defaults (with fresh buckets)."""
        self._rebuild(self.defaults, force=True)
        self.settings = self.defaults

    def retry_after(self, wait_s: float) -> int:
        """Integer Retry-After (>= 1): the configured value or the bucket's wait, rounded up."""
        if self.settings.retry_after is not None:
            return self.settings.retry_after
        return max(1, math.ceil(wait_s))

    def roll(self, rate: float) -> bool:
        """True with probability ``rate``."""
        return rate > 0 and self.rng.random() < rate
