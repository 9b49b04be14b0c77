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

from shared.datadir import with_bundled_password

T = TypeVar("T")
N = TypeVar("N", int, float)

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class SettingsError(ValueError):
    """A configuration value is invalid; the message names the variable and what it accepts."""


@dataclass(frozen=True)
class Settings:
    """Validated configuration of the front, the workers and the CLI (see docs/configuration.md)."""

    # May carry a password (the user's own, or the bundled Redis's from the data dir): never print it,
    # use shared.redis_conn.redacted(...) instead.
    redis_url: str = field(default="redis://127.0.0.1:6379/0", repr=False)
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    tidal_base_url: str | None = None
    keyring_file: Path | None = None
    keyring_password: str | None = field(default=None, repr=False)
    # When set, HTTP clients must send "Authorization: Bearer <token>" to /mcp.
    auth_token: str | None = field(default=None, repr=False)
    data_dir: Path = field(default_factory=lambda: default_data_dir())
    dashboard_port: int = 9181
    log_level: str = "INFO"
    # How long the front waits for a worker before answering with a timeout error.
    wait_timeout: float = 30.0
    # Per-HTTP-call timeout for TIDAL requests (connect and read).
    http_timeout: float = 15.0
    # Pool-wide TIDAL request budget shared by every worker on every host: it adapts to TIDAL's 429s
    # between the floor and the ceiling (rate_limit), starting at rate_start (requests per second).
    rate_limit: float = 200.0
    rate_start: float = 20.0
    rate_floor: float = 1.0
    rate_burst: int = 16
    # A worker process restarts itself after this many jobs (bounds leaks of a long-lived session).
    max_jobs: int = 5000
    # Cache entries stay this long past their TTL, served flagged `stale` when TIDAL is unavailable.
    stale_grace: int = 24 * 3600
    # Admission control: waiting calls per front, and jobs per queue, beyond which calls are refused.
    max_inflight: int = 10_000
    max_queue_depth: int = 10_000
    # Hot cache entries each front keeps in its own memory (0: every hit reads Redis); kept coherent by Redis.
    near_cache_entries: int = 10_000
    # Pool-wide circuit breaker: consecutive failed jobs that open it, and seconds it stays open.
    circuit_failures: int = 5
    circuit_recovery: int = 30
    # Exposure beyond loopback: names the front is reached by (Host/Origin checks), extra origins,
    # and the explicit opt-out of the "no key, no network" rule.
    public_hosts: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()
    allow_unauthenticated: bool = False
    # HTTP hygiene: legacy sessions, connections, slow clients.
    session_idle_timeout: int = 300
    max_sessions: int = 1000
    max_sessions_per_client: int = 100
    max_connections: int = 4096
    max_connections_per_client: int = 1024
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    # rq-dashboard: credentials (generated into the data dir when unset) and whether it may delete.
    dashboard_user: str = "admin"
    dashboard_password: str | None = field(default=None, repr=False)
    dashboard_allow_delete: bool = False
    # Where the login lives: "auto" (the desktop keyring if one works, else an encrypted file in the
    # data dir), "system" or "file".
    keyring: str = "auto"
    # Hide every tool that changes the account and make workers refuse write jobs.
    read_only: bool = False
    # Long operations: a call expected to take longer than this answers at once with a job handle;
    # job records (state, progress, results) are kept this long.
    job_after: float = 40.0
    job_ttl: int = 24 * 3600
    # A client never gets a stream URL with less than this many seconds left.
    stream_min_lifetime: int = 60

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate every TIDAL_MCP_* variable (and REDIS_URL, TIDAL_BASE_URL)."""
        env = os.environ if env is None else env
        keyring_file = _get(env, "TIDAL_MCP_KEYRING_FILE", None, _path)
        keyring_password = env.get("TIDAL_MCP_KEYRING_PASSWORD") or None
        data_dir = _get(env, "TIDAL_MCP_DATA_DIR", default_data_dir(), _path).resolve()
        return cls(
            redis_url=with_bundled_password(_get(env, "REDIS_URL", cls.redis_url, _redis_url), data_dir),
            host=_get(env, "TIDAL_MCP_HOST", cls.host, _nonempty),
            port=_get(env, "TIDAL_MCP_PORT", cls.port, _port),
            workers=_get(env, "TIDAL_MCP_WORKERS", cls.workers, _int_range(1, 64)),
            tidal_base_url=_get(env, "TIDAL_BASE_URL", None, _http_origin),
            keyring_file=keyring_file,
            keyring_password=keyring_password,
            auth_token=_get(env, "TIDAL_MCP_AUTH_TOKEN", None, _token, secret=True),
            data_dir=data_dir,
            dashboard_port=_get(env, "TIDAL_MCP_DASHBOARD_PORT", cls.dashboard_port, _port),
            log_level=_get(env, "TIDAL_MCP_LOG_LEVEL", cls.log_level, _log_level),
            wait_timeout=_get(env, "TIDAL_MCP_WAIT_TIMEOUT", cls.wait_timeout, _float_range(0.5, 600)),
            http_timeout=_get(env, "TIDAL_MCP_HTTP_TIMEOUT", cls.http_timeout, _float_range(0.5, 300)),
            rate_limit=_get(env, "TIDAL_MCP_RATE_LIMIT", cls.rate_limit, _float_range(0.1, 1000)),
            rate_start=_get(env, "TIDAL_MCP_RATE_START", cls.rate_start, _float_range(0.1, 1000)),
            rate_floor=_get(env, "TIDAL_MCP_RATE_FLOOR", cls.rate_floor, _float_range(0.1, 1000)),
            rate_burst=_get(env, "TIDAL_MCP_RATE_BURST", cls.rate_burst, _int_range(1, 10000)),
            job_after=_get(env, "TIDAL_MCP_JOB_AFTER", cls.job_after, _float_range(0, 3600)),
            job_ttl=_get(env, "TIDAL_MCP_JOB_TTL", cls.job_ttl, _int_range(60, 30 * 24 * 3600)),
            stream_min_lifetime=_get(
                env, "TIDAL_MCP_STREAM_MIN_LIFETIME", cls.stream_min_lifetime, _int_range(0, 3600)
            ),
            max_jobs=_get(env, "TIDAL_MCP_MAX_JOBS", cls.max_jobs, _int_range(1, 10_000_000)),
            stale_grace=_get(env, "TIDAL_MCP_STALE_GRACE", cls.stale_grace, _int_range(0, 30 * 24 * 3600)),
            max_inflight=_get(env, "TIDAL_MCP_MAX_INFLIGHT", cls.max_inflight, _int_range(1, 1_000_000)),
            max_queue_depth=_get(env, "TIDAL_MCP_MAX_QUEUE_DEPTH", cls.max_queue_depth, _int_range(1, 10_000_000)),
            near_cache_entries=_get(
                env, "TIDAL_MCP_NEAR_CACHE_ENTRIES", cls.near_cache_entries, _int_range(0, 1_000_000)
            ),
            circuit_failures=_get(env, "TIDAL_MCP_CIRCUIT_FAILURES", cls.circuit_failures, _int_range(1, 1000)),
            circuit_recovery=_get(env, "TIDAL_MCP_CIRCUIT_RECOVERY", cls.circuit_recovery, _int_range(1, 3600)),
            public_hosts=_get(env, "TIDAL_MCP_PUBLIC_HOSTS", (), _host_list),
            allowed_origins=_get(env, "TIDAL_MCP_ALLOWED_ORIGINS", (), _origin_list),
            allow_unauthenticated=_get(env, "TIDAL_MCP_ALLOW_UNAUTHENTICATED", False, _bool),
            session_idle_timeout=_get(
                env, "TIDAL_MCP_SESSION_IDLE_TIMEOUT", cls.session_idle_timeout, _int_range(10, 86400)
            ),
            max_sessions=_get(env, "TIDAL_MCP_MAX_SESSIONS", cls.max_sessions, _int_range(1, 1_000_000)),
            max_sessions_per_client=_get(
                env, "TIDAL_MCP_MAX_SESSIONS_PER_CLIENT", cls.max_sessions_per_client, _int_range(1, 1_000_000)
            ),
            max_connections=_get(env, "TIDAL_MCP_MAX_CONNECTIONS", cls.max_connections, _int_range(1, 1_000_000)),
            max_connections_per_client=_get(
                env, "TIDAL_MCP_MAX_CONNECTIONS_PER_CLIENT", cls.max_connections_per_client, _int_range(1, 1_000_000)
            ),
            header_timeout=_get(env, "TIDAL_MCP_HEADER_TIMEOUT", cls.header_timeout, _float_range(0.5, 600)),
            body_timeout=_get(env, "TIDAL_MCP_BODY_TIMEOUT", cls.body_timeout, _float_range(0.5, 600)),
            dashboard_user=_get(env, "TIDAL_MCP_DASHBOARD_USER", cls.dashboard_user, _nonempty),
            dashboard_password=_get(env, "TIDAL_MCP_DASHBOARD_PASSWORD", None, _token, secret=True),
            dashboard_allow_delete=_get(env, "TIDAL_MCP_DASHBOARD_ALLOW_DELETE", False, _bool),
            keyring=_get(env, "TIDAL_MCP_KEYRING", cls.keyring, _choice("auto", "system", "file")),
            read_only=_get(env, "TIDAL_MCP_READ_ONLY", False, _bool),
        )


def default_data_dir() -> Path:
    """``.run`` in the source checkout when running from one, else ``$XDG_STATE_HOME/tidal-mcp``.

    Absolute either way, so every command of one installation agrees on it from any directory.
    """
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / "Procfile").exists() and (checkout / "shared").is_dir():
        return checkout / ".run"
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "tidal-mcp"


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
        raise ValueError(
            "must be at least 16 characters (use e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
        )
    return raw


def _path(raw: str) -> Path:
    return Path(raw).expanduser()


def _port(raw: str) -> int:
    return _int_range(1, 65535)(raw)


def _int_range(low: int, high: int) -> Callable[[str], int]:
    return _number_range(int, "an integer", low, high)


def _float_range(low: float, high: float) -> Callable[[str], float]:
    return _number_range(float, "a number", low, high)


def _number_range(cast: Callable[[str], N], kind: str, low: N, high: N) -> Callable[[str], N]:
    def parse(raw: str) -> N:
        try:
            value: N | None = cast(raw)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise ValueError(f"must be {kind} from {low:g} to {high:g}")
        return value

    return parse


def _bool(raw: str) -> bool:
    value = raw.lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be 1/true/yes/on or 0/false/no/off")


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw.lower() not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return raw.lower()

    return parse


def _host_list(raw: str) -> tuple[str, ...]:
    hosts = tuple(part.strip().lower() for part in raw.split(",") if part.strip())
    for host in hosts:
        if "/" in host or "://" in host or " " in host:
            raise ValueError("must be a comma-separated list of host names or host:port (no scheme, no path)")
    return hosts


def _origin_list(raw: str) -> tuple[str, ...]:
    origins = tuple(part.strip().rstrip("/") for part in raw.split(",") if part.strip())
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path:
            raise ValueError("must be a comma-separated list of origins such as https://app.example.com")
    return origins


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
