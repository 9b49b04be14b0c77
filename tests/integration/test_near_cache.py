"""The front's near cache against a real redis-server: every change to a cached key, by anyone, reaches it.

The front's dispatcher and result waiter run as ``tidal-mcp front`` runs them (no worker: entries are
written the way workers write them, with :class:`shared.cache.Cache`). Read-your-writes through real
workers is in ``test_playlist_writes.py``.
"""

from __future__ import annotations

import pytest

from shared.cache import Cache
from shared.errors import ok
from shared.redis_conn import connect
from tests.support.processes import eventually
from tests.support.stack import front

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

KEY = "tidal:track:1"


@pytest.fixture
async def tidal(redis_url):
    async with front(redis_url) as tidal:
        near = tidal.dispatcher.cache.near
        await eventually(lambda: _true(near.enabled), 10, "the near cache was never switched on")
        yield tidal


@pytest.fixture
def cache(redis_url) -> Cache:
    return Cache(connect(redis_url), grace=3600)


async def _true(value: bool) -> bool:
    return value


async def held(tidal, key: str = KEY):
    """Read ``key`` through the front's cache until a read comes from memory (a read that overlapped
    the invalidation of the write that stored it is rightly not kept); that entry."""
    cache = tidal.dispatcher.cache

    async def from_memory():
        hits = cache.near.hits
        entry = await cache.get(key)
        return entry if cache.near.hits == hits + 1 else None

    return await eventually(from_memory, 10, f"{key} never came from the near cache", interval=0.05)


async def dropped(tidal, key: str = KEY) -> None:
    near = tidal.dispatcher.cache.near
    await eventually(lambda: _true(near.get(key) is None), 10, f"{key} stayed in the near cache")


async def test_a_worker_refresh_replaces_the_held_entry(tidal, cache):
    cache.set(KEY, ok({"title": "old"}), ttl=600)
    assert (await held(tidal)).envelope["data"] == {"title": "old"}
    cache.set(KEY, ok({"title": "new"}), ttl=600)
    await dropped(tidal)
    assert (await tidal.dispatcher.cache.get(KEY)).envelope["data"] == {"title": "new"}


@pytest.mark.parametrize("change", ["delete", "expire", "flushall", "rename"])
async def test_any_change_made_in_redis_drops_the_held_entry(tidal, cache, redis_url, change):
    cache.set(KEY, ok({"title": "old"}), ttl=600)
    await held(tidal)
    client = connect(redis_url)
    if change == "delete":
        client.delete(KEY)  # e.g. `tidal-mcp cache drop`, a write's invalidation
    elif change == "expire":
        client.pexpire(KEY, 3_000_000)  # now inside its stale grace: no longer fresh
    elif change == "flushall":
        client.flushall()
    else:
        client.rename(KEY, "tidal:track:2")
    await dropped(tidal)
    entry = await tidal.dispatcher.cache.get(KEY)
    assert entry is None or not entry.fresh


async def test_entries_of_other_kinds_are_tracked_too(tidal, cache):
    key = "tidal:playlist:433e343f-404f-4456-bfd9-2127ceeb3fbc"
    cache.set(key, ok({"title": "mine"}), ttl=600)
    await held(tidal, key)
    cache.set(key, ok({"title": "renamed"}), ttl=600)
    await dropped(tidal, key)


async def test_a_lost_subscription_empties_it_until_tracking_is_back(tidal, cache, redis_url):
    cache.set(KEY, ok({"title": "old"}), ttl=600)
    await held(tidal)
    near = tidal.dispatcher.cache.near
    client = connect(redis_url)
    killed = client.client_kill_filter(_type="pubsub")
    assert killed >= 1
    # the change made while the front was not listening must not be missed
    cache.set(KEY, ok({"title": "while away"}), ttl=600)
    await dropped(tidal)
    await eventually(lambda: _true(near.enabled), 10, "tracking was not turned on again after the reconnect")
    assert (await held(tidal)).envelope["data"] == {"title": "while away"}
    cache.set(KEY, ok({"title": "after"}), ttl=600)
    await dropped(tidal)  # the new connection carries invalidations again


async def test_without_a_near_cache_every_hit_reads_redis(redis_url, cache):
    async with front(redis_url, near_entries=0) as tidal:
        assert tidal.dispatcher.cache.near is None
        cache.set(KEY, ok({"title": "old"}), ttl=600)
        assert (await tidal.dispatcher.cache.get(KEY)).fresh
