"""Redis connections with explicit timeouts and reconnects for each use.

redis-py 8 defaults to a 5 s socket timeout and to ten retries (about 5 s of backoff) on a dead
connection. Neither suits us, so every client here states its policy:

* :func:`connect` - the workers' and the CLI's synchronous client: short command timeouts, a few
  quick retries so a connection left stale by a Redis restart is replaced transparently.
* :func:`connect_async` - the front's asyncio client. Its pool *blocks* (up to
  :data:`POOL_WAIT` s) when every connection is busy instead of failing, so thousands of concurrent
  calls queue for a connection rather than reading "Redis is not answering". No command of the
  front blocks in Redis (results arrive through pub/sub, :mod:`mcp_front.waiter`), so a small pool
  suffices.

During an outage a command fails after about half a second (three quick retries), which the front
turns into a clear "Redis is not answering" error; the next command after Redis is back succeeds.

Example::

    r = connect(settings.redis_url)
    wait_for_redis(r, timeout=30)
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

import redis
import redis.asyncio as aredis
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

log = logging.getLogger(__name__)

COMMAND_TIMEOUT = 5.0
CONNECT_TIMEOUT = 3.0
RETRIES = 3
ASYNC_POOL_SIZE = 64
POOL_WAIT = 60.0  # a burst of calls waits this long for a free connection (commands themselves are short)
# Redis errors that mean "not reachable right now" (as opposed to a wrong command).
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError, OSError)


def _retry() -> Retry:
    return Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.3), RETRIES)


def connect(url: str, *, socket_timeout: float | None = COMMAND_TIMEOUT) -> redis.Redis:
    """A synchronous client (bytes in, bytes out, as RQ requires)."""
    return redis.Redis.from_url(
        url,
        socket_timeout=socket_timeout,
        socket_connect_timeout=CONNECT_TIMEOUT,
        health_check_interval=15,
        retry=_retry(),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
    )


def connect_async(url: str, *, pool_size: int = ASYNC_POOL_SIZE) -> aredis.Redis:
    """The front's asyncio client (see module docstring)."""
    pool = aredis.BlockingConnectionPool.from_url(
        url,
        max_connections=pool_size,
        timeout=POOL_WAIT,
        socket_timeout=COMMAND_TIMEOUT,
        socket_connect_timeout=CONNECT_TIMEOUT,
        health_check_interval=15,
        retry=_retry(),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
    )
    return aredis.Redis(connection_pool=pool)


def ping(client: redis.Redis) -> bool:
    """True when Redis answers PING; never raises."""
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


def redacted(url: str) -> str:
    """A Redis URL fit to print: its password (if any) replaced by ``***``."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[-1]
    return parts._replace(netloc=f"{user}:***@{host}").geturl()


def location(client: redis.Redis | aredis.Redis) -> str:
    """``host:port/db`` (or the socket path) of a client, never its password."""
    kwargs = client.connection_pool.connection_kwargs
    return kwargs.get("path") or f"{kwargs.get('host')}:{kwargs.get('port')}/{kwargs.get('db', 0)}"


def wait_for_redis(client: redis.Redis, timeout: float) -> None:
    """Block until Redis answers, or raise ``ConnectionError`` naming the address after ``timeout`` s.

    Processes start in any order under honcho/supervisord, so each waits for Redis briefly
    instead of crashing on the first refused connection.
    """
    deadline = time.monotonic() + timeout
    delay = 0.05
    while not ping(client):
        if time.monotonic() >= deadline:
            raise ConnectionError(f"Redis at {location(client)} did not answer within {timeout:g} s")
        time.sleep(delay)
        delay = min(delay * 2, 0.5)
