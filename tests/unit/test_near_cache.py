"""The near cache's own rules: bounds, freshness, tokens revoked by invalidations, off while untracked."""

from __future__ import annotations

import pytest

import shared.near_cache as near_cache
from shared.cache import CacheEntry
from shared.near_cache import NearCache


def entry(value: int, fresh_for: float = 60.0) -> CacheEntry:
    return CacheEntry({"ok": True, "data": value}, fresh=True, age_s=0.0, fresh_for=fresh_for)


def kept(near: NearCache, key: str, value: CacheEntry, size: int = 100) -> None:
    near.store(key, near.reading(key), value, size)


@pytest.fixture
def near() -> NearCache:
    cache = NearCache(["tidal:track:", "tidal:album:"], max_entries=3, max_entry_bytes=1000)
    cache.enable()
    return cache


def test_a_stored_entry_is_answered_until_invalidated(near: NearCache) -> None:
    kept(near, "tidal:track:1", entry(1))
    assert near.get("tidal:track:1") == entry(1)
    near.invalidate([b"tidal:track:1"])
    assert near.get("tidal:track:1") is None


def test_an_invalidation_during_the_read_keeps_the_old_value_out(near: NearCache) -> None:
    token = near.reading("tidal:track:1")
    near.invalidate([b"tidal:track:1"])  # the key changed while its old value was on the wire
    near.store("tidal:track:1", token, entry(1), 100)
    assert near.get("tidal:track:1") is None
    # a later read is kept again
    kept(near, "tidal:track:1", entry(2))
    assert near.get("tidal:track:1") == entry(2)


def test_only_the_latest_read_of_a_key_may_store(near: NearCache) -> None:
    first, second = near.reading("tidal:track:1"), near.reading("tidal:track:1")
    near.store("tidal:track:1", first, entry(1), 100)
    assert near.get("tidal:track:1") is None
    near.store("tidal:track:1", second, entry(2), 100)
    assert near.get("tidal:track:1") == entry(2)


def test_it_holds_at_most_max_entries_dropping_the_least_recently_used(near: NearCache) -> None:
    for key in ("tidal:track:1", "tidal:track:2", "tidal:track:3"):
        kept(near, key, entry(1))
    near.get("tidal:track:1")  # used: now the most recent
    kept(near, "tidal:track:4", entry(4))
    assert len(near) == 3
    assert near.get("tidal:track:2") is None
    assert near.get("tidal:track:1") is not None


def test_it_holds_at_most_max_bytes_of_stored_size() -> None:
    near = NearCache(["tidal:track:"], max_entries=100, max_bytes=1000, max_entry_bytes=1000)
    near.enable()
    for number in range(4):
        kept(near, f"tidal:track:{number}", entry(number), size=300)
    assert len(near) == 3 and near.bytes == 900 and near.get("tidal:track:0") is None
    kept(near, "tidal:track:1", entry(1), size=500)  # replacing an entry counts its new size only
    assert near.bytes == 800 and len(near) == 2
    near.invalidate([b"tidal:track:1"])
    assert near.bytes == 300
    near.disable()
    assert near.bytes == 0


def test_large_stale_untracked_or_missing_entries_are_not_kept(near: NearCache) -> None:
    kept(near, "tidal:track:1", entry(1), size=1001)
    kept(near, "tidal:track:2", CacheEntry({"ok": True}, fresh=False, age_s=5.0))
    kept(near, "tidal:track:3", entry(3, fresh_for=0.0))
    kept(near, "tidal:ratelimit:bucket", entry(4))  # not a cache prefix: Redis sends no invalidation for it
    near.store("tidal:track:5", near.reading("tidal:track:5"), None, 0)
    assert len(near) == 0


def test_an_entry_is_answered_only_while_fresh(near: NearCache, monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(near_cache.time, "monotonic", lambda: now[0])
    kept(near, "tidal:track:1", entry(1, fresh_for=30.0))
    now[0] += 29.9
    assert near.get("tidal:track:1") is not None
    now[0] += 0.2
    assert near.get("tidal:track:1") is None  # past its freshness: Redis decides (stale rules live there)
    assert len(near) == 0


def test_nothing_is_kept_or_answered_while_tracking_is_off(near: NearCache) -> None:
    kept(near, "tidal:track:1", entry(1))
    near.disable()
    assert near.get("tidal:track:1") is None
    kept(near, "tidal:track:2", entry(2))
    assert len(near) == 0
    token = near.reading("tidal:track:3")
    near.enable()
    near.store("tidal:track:3", token, entry(3), 100)  # a read begun while off is not kept either
    assert len(near) == 0


def test_a_flush_clears_everything(near: NearCache) -> None:
    kept(near, "tidal:track:1", entry(1))
    kept(near, "tidal:album:1", entry(1))
    near.invalidate(None)
    assert len(near) == 0


def test_the_tracking_command_names_every_prefix() -> None:
    near = NearCache(["tidal:track:", "tidal:album:", "tidal:track:"])
    assert near.tracking_command() == [
        "CLIENT",
        "TRACKING",
        "ON",
        "BCAST",
        "PREFIX",
        "tidal:album:",
        "PREFIX",
        "tidal:track:",
    ]
