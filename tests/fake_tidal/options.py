"""Emulator options (shared by the command line and the in-process API)."""

from __future__ import annotations

from dataclasses import dataclass


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
