"""The cache encoding and the error envelope that travels from worker to front."""

from __future__ import annotations

import fakeredis
import pytest

from shared.cache import Cache, decode, encode
from shared.errors import (
    NotFound,
    RateLimited,
    TidalMcpError,
    UpstreamUnavailable,
    error_from_exc_string,
    ok,
    unwrap,
)


def test_entries_round_trip_with_their_ttl_plus_the_stale_grace():
    client = fakeredis.FakeRedis()
    cache = Cache(client, grace=100)
    cache.set("tidal:track:1", ok({"id": 1}), ttl=60)
    cache.set_many({"tidal:track:2": ok({"id": 2}), "tidal:track:3": ok({"id": 3})}, ttl=30)
    entry = cache.get("tidal:track:1")
    assert entry.envelope == {"ok": True, "data": {"id": 1}} and entry.fresh and entry.age_s < 2
    assert 150 < client.ttl("tidal:track:1") <= 160 and 120 < client.ttl("tidal:track:3") <= 130
    cache.set("tidal:auth:x", ok({}), ttl=0)
    assert cache.get("tidal:auth:x") is None


def test_past_its_ttl_an_entry_is_stale_with_its_age_and_errors_get_no_grace():
    client = fakeredis.FakeRedis()
    cache = Cache(client, grace=100)
    cache.set("tidal:track:1", ok({"id": 1}), ttl=60)
    client.expire("tidal:track:1", 40)  # 120 s after it was written
    entry = cache.get("tidal:track:1")
    assert not entry.fresh and entry.age_s == pytest.approx(120, abs=1)
    cache.set("tidal:track:9", NotFound("no").to_envelope(), ttl=60)
    assert 50 < client.ttl("tidal:track:9") <= 60 and cache.get("tidal:track:9").fresh


def test_an_unreadable_entry_is_a_miss():
    assert decode(b"not json", 1000) is None and decode(b'{"no":"env"}', 1000) is None
    assert decode(encode(ok(1), 60, 0), 30_000).envelope == ok(1)
    assert decode(encode(ok(1), 60, 0), -2) is None, "a key that expired between GET and PTTL is a miss"


def test_unwrap_returns_data_or_raises_the_carried_error():
    assert unwrap(ok([1])) == [1]
    with pytest.raises(NotFound, match="no track"):
        unwrap(NotFound("no track").to_envelope())


def test_a_failed_jobs_own_error_keeps_its_message():
    trace = "Traceback (most recent call last):\n  File ...\nshared.errors.RateLimited: retry in about 7 s.\n"
    error = error_from_exc_string(trace, "job-1")
    assert isinstance(error, RateLimited) and error.message == "retry in about 7 s."
    assert isinstance(error_from_exc_string("UpstreamUnavailable: down", "j"), UpstreamUnavailable)


def test_any_other_failure_is_generic_and_leaks_nothing():
    trace = (
        "Traceback ...\nrequests.exceptions.HTTPError: 500 for url: "
        "http://x/v1/tracks/1?sessionId=secret-session&countryCode=US\n"
    )
    error = error_from_exc_string(trace, "job-9")
    assert type(error) is TidalMcpError
    assert "job-9" in error.message and "secret-session" not in error.message and "http" not in error.message
    assert type(error_from_exc_string(None, "j")) is TidalMcpError
