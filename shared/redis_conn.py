"""Redis connections with explicit timeouts for each use.

redis-py 8 defaults to a 5 s socket timeout, which breaks any blocking read longer than that (the
front's result waits use ``XREAD BLOCK``). So every client here states its timeouts:

* :func:`connect` - ordinary commands (cache, queues, rate limiter): short timeouts.
* :func:`connect_async` - the front's asyncio client; ``socket_timeout=None`` because it blocks on
  result streams for up to the wait deadline (each wait passes its own ``BLOCK`` bound).

Example::

    r = connect(settings.redis_url)
    wait_for_redis(r, timeout=30)
"""

from __future__ import annotations

import logging
import time

import redis
import redis.asyncio as aredis

log = logging.getLogger(__name__)

COMMAND_TIMEOUT = 5.0
CONNECT_TIMEOUT = 3.0


def connect(url: str, *, socket_timeout: float | None = COMMAND_TIMEOUT) -> redis.Redis:
    """A synchronous client (bytes in, bytes out, as RQ requires)."""
    return redis.Redis.from_url(
        url,
        socket_timeout=socket_timeout,
        socket_connect_timeout=CONNECT_TIMEOUT,
        health_check_interval=30,
    )


def connect_async(url: str) -> aredis.Redis:
    """The front's asyncio client; blocking reads bound themselves, so no socket timeout."""
    return aredis.Redis.from_url(
        url,
        socket_timeout=None,
        socket_connect_timeout=CONNECT_TIMEOUT,
        health_check_interval=30,
        max_connections=512,
    )


def ping(client: redis.Redis) -> bool:
    """True when Redis answers PING; never raises."""
    try:
        return bool(client.ping())
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return False


def wait_for_redis(client: redis.Redis, timeout: float) -> None:
    """Block until Redis answers, or raise ``ConnectionError`` naming the URL after ``timeout`` s.

    Processes start in any order under honcho/supervisord, so each waits for Redis briefly
    instead of crashing on the first refused connection.
    """
    deadline = time.monotonic() + timeout
    delay = 0.05
    while not ping(client):
        if time.monotonic() >= deadline:
            kwargs = client.connection_pool.connection_kwargs
            where = kwargs.get("path") or f"{kwargs.get('host')}:{kwargs.get('port')}"
            raise ConnectionError(f"Redis at {where} did not answer within {timeout:g} s")
        time.sleep(delay)
        delay = min(delay * 2, 0.5)
