"""Settings read from the environment once at start, validated, and shared by every process.

Every variable is optional. A bad value stops the process with one line naming the variable::

    $ TIDAL_MCP_PORT=abc tidal-mcp front
    tidal-mcp: configuration error: TIDAL_MCP_PORT must be an integer from 1 to 65535 (got 'abc')

Example::

    settings = Settings.from_env()
    settings.redis_url          # "redis://127.0.0.1:6379/0"
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class SettingsError(ValueError):
    """A configuration value is invalid; the message names the variable and what it accepts."""


@dataclass(frozen=True)
class Settings:
    """Validated configuration of the front, the workers and the CLI (see docs/configuration.md)."""

    redis_url: str = "redis://127.0.0.1:6379/0"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    tidal_base_url: str | None = None
    keyring_file: Path | None = None
    keyring_password: str | None = field(default=None, repr=False)
    # When set, HTTP clients must send "Authorization: Bearer <token>" to /mcp.
    auth_token: str | None = field(default=None, repr=False)
    data_dir: Path = Path(".run")
    dashboard_port: int = 9181
    log_level: str = "INFO"
    # How long the front waits for a worker before answering with a timeout error.
    wait_timeout: float = 30.0
    # Per-HTTP-call timeout for TIDAL requests (connect and read).
    http_timeout: float = 15.0
    # Pool-wide TIDAL request budget shared by every worker on every host: it adapts to TIDAL's 429s
    # between the floor and the ceiling (rate_limit), starting at rate_start (requests per second).
    rate_limit: float = 50.0
    rate_start: float = 8.0
    rate_floor: float = 1.0
    rate_burst: int = 16
    # A worker process restarts itself after this many jobs (bounds leaks of a long-lived session).
    max_jobs: int = 5000
    # Cache entries stay this long past their TTL, served flagged `stale` when TIDAL is unavailable.
    stale_grace: int = 24 * 3600
    # Admission control: waiting calls per front, and jobs per queue, beyond which calls are refused.
    max_inflight: int = 10_000
    max_queue_depth: int = 10_000
    # Pool-wide circuit breaker: consecutive failed jobs that open it, and seconds it stays open.
    circuit_failures: int = 5
    circuit_recovery: int = 30

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate every TIDAL_MCP_* variable (and REDIS_URL, TIDAL_BASE_URL)."""
        env = os.environ if env is None else env
        keyring_file = _get(env, "TIDAL_MCP_KEYRING_FILE", None, _path)
        keyring_password = env.get("TIDAL_MCP_KEYRING_PASSWORD") or None
        if keyring_file is not None and keyring_password is None:
            raise SettingsError(
                "TIDAL_MCP_KEYRING_PASSWORD must be set when TIDAL_MCP_KEYRING_FILE is set "
                "(the file is encrypted with it)"
            )
        return cls(
            redis_url=_get(env, "REDIS_URL", cls.redis_url, _redis_url),
            host=_get(env, "TIDAL_MCP_HOST", cls.host, _nonempty),
            port=_get(env, "TIDAL_MCP_PORT", cls.port, _port),
            workers=_get(env, "TIDAL_MCP_WORKERS", cls.workers, _int_range(1, 64)),
            tidal_base_url=_get(env, "TIDAL_BASE_URL", None, _http_origin),
            keyring_file=keyring_file,
            keyring_password=keyring_password,
            auth_token=_get(env, "TIDAL_MCP_AUTH_TOKEN", None, _token, secret=True),
            data_dir=_get(env, "TIDAL_MCP_DATA_DIR", cls.data_dir, _path),
            dashboard_port=_get(env, "TIDAL_MCP_DASHBOARD_PORT", cls.dashboard_port, _port),
            log_level=_get(env, "TIDAL_MCP_LOG_LEVEL", cls.log_level, _log_level),
            wait_timeout=_get(env, "TIDAL_MCP_WAIT_TIMEOUT", cls.wait_timeout, _float_range(0.5, 600)),
            http_timeout=_get(env, "TIDAL_MCP_HTTP_TIMEOUT", cls.http_timeout, _float_range(0.5, 300)),
            rate_limit=_get(env, "TIDAL_MCP_RATE_LIMIT", cls.rate_limit, _float_range(0.1, 1000)),
            rate_start=_get(env, "TIDAL_MCP_RATE_START", cls.rate_start, _float_range(0.1, 1000)),
            rate_floor=_get(env, "TIDAL_MCP_RATE_FLOOR", cls.rate_floor, _float_range(0.1, 1000)),
            rate_burst=_get(env, "TIDAL_MCP_RATE_BURST", cls.rate_burst, _int_range(1, 10000)),
            max_jobs=_get(env, "TIDAL_MCP_MAX_JOBS", cls.max_jobs, _int_range(1, 10_000_000)),
            stale_grace=_get(env, "TIDAL_MCP_STALE_GRACE", cls.stale_grace, _int_range(0, 30 * 24 * 3600)),
            max_inflight=_get(env, "TIDAL_MCP_MAX_INFLIGHT", cls.max_inflight, _int_range(1, 1_000_000)),
            max_queue_depth=_get(env, "TIDAL_MCP_MAX_QUEUE_DEPTH", cls.max_queue_depth, _int_range(1, 10_000_000)),
            circuit_failures=_get(env, "TIDAL_MCP_CIRCUIT_FAILURES", cls.circuit_failures, _int_range(1, 1000)),
            circuit_recovery=_get(env, "TIDAL_MCP_CIRCUIT_RECOVERY", cls.circuit_recovery, _int_range(1, 3600)),
        )


def _get(env: Mapping[str, str], name: str, default: T, parse: Callable[[str], T], *, secret: bool = False) -> T:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return parse(raw.strip())
    except ValueError as exc:
        shown = "" if secret else f" (got {raw!r})"  # never echo a secret, even a bad one
        raise SettingsError(f"{name} {exc}{shown}") from None


def _nonempty(raw: str) -> str:
    return raw


def _token(raw: str) -> str:
    if len(raw) < 16:
        raise ValueError("must be at least 16 characters (use e.g. `python -c 'import secrets; "
                         "print(secrets.token_urlsafe(32))'`)")
    return raw


def _path(raw: str) -> Path:
    return Path(raw).expanduser()


def _port(raw: str) -> int:
    return _int_range(1, 65535)(raw)


def _int_range(low: int, high: int) -> Callable[[str], int]:
    return _number_range(int, "an integer", low, high)


def _float_range(low: float, high: float) -> Callable[[str], float]:
    return _number_range(float, "a number", low, high)


def _number_range(cast: Callable[[str], T], kind: str, low: T, high: T) -> Callable[[str], T]:
    def parse(raw: str) -> T:
        try:
            value = cast(raw)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise ValueError(f"must be {kind} from {low:g} to {high:g}")
        return value

    return parse


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
    return level


def _redis_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("redis", "rediss", "unix") or (parts.scheme != "unix" and not parts.hostname):
        raise ValueError("must be a redis://host:port/db, rediss:// or unix:// URL")
    try:
        parts.port  # noqa: B018 - raises ValueError on a non-numeric port
    except ValueError:
        raise ValueError("has an invalid port") from None
    return raw


def _http_origin(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise ValueError("must be an origin such as http://127.0.0.1:8100 (scheme, host, port; no path)")
    return raw.rstrip("/")
