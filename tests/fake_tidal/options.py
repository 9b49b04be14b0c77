"""Emulator options (shared by the command line and the in-process API)."""

from __future__ import annotations

from dataclasses import dataclass

SUBSCRIPTIONS: tuple[str, ...] = ("HIFI_PLUS", "HIFI", "FREE")
BUDGET_SCOPES: tuple[str, ...] = ("token", "global")


@dataclass(frozen=True)
class EmulatorOptions:
    """How the emulator behaves; every field has a command-line twin in ``__main__``."""

    host: str = "127.0.0.1"
    port: int = 0
    seed: int = 42
    auto_approve: bool = False
    latency_ms: int = 0
    rate_limit: float | None = None
    token_lifetime: int = 3600
    #: Seconds tidalapi sleeps between device polls (float so in-process tests can go faster).
    device_interval: float = 1
    #: Lifetime of a device login, in seconds (real TIDAL: 300).
    device_expires_in: int = 300
    rotate_refresh_tokens: bool = False
    #: The seeded user's plan: caps stream quality (HIFI_PLUS > HIFI > FREE).
    subscription: str = "HIFI_PLUS"
    #: Seconds a signed media URL (CDN token) stays valid.
    url_lifetime: int = 3600
    #: Hidden rate budget: requests/second per access token (or global), burst ``budget_burst``.
    budget_rate: float | None = None
    budget_burst: int = 10
    budget_scope: str = "token"
    #: Also send ``x-ratelimit-*`` on every response (openapi responses always carry them).
    ratelimit_headers: bool = False
    #: The openapi.tidal.com token bucket its ``x-ratelimit-*`` headers describe (per token).
    openapi_rate: float = 20.0
    openapi_burst: int = 200
    openapi_cost: int = 1

    def __post_init__(self) -> None:
        if self.subscription not in SUBSCRIPTIONS:
            raise ValueError(f"subscription must be one of {SUBSCRIPTIONS}")
        if self.budget_scope not in BUDGET_SCOPES:
            raise ValueError(f"budget_scope must be one of {BUDGET_SCOPES}")
        if self.budget_rate is not None and self.budget_rate <= 0:
            raise ValueError("budget_rate must be > 0")
        if self.budget_burst < 1 or self.openapi_burst < 1 or self.openapi_cost < 1:
            raise ValueError("bursts and costs must be >= 1")
        if self.openapi_rate <= 0:
            raise ValueError("openapi_rate must be > 0")
