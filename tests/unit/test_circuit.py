"""The pool-wide circuit breaker: shared by every process, opened by sustained failure, closed by a probe."""

from __future__ import annotations

import fakeredis
import pytest

from shared.circuit import PROBE, PoolCircuitBreaker, circuit_state
from shared.errors import NotFound, UpstreamUnavailable
from shared.queueing import CIRCUIT_OPEN


def fail(breaker: PoolCircuitBreaker) -> None:
    with pytest.raises(UpstreamUnavailable), breaker:
        raise UpstreamUnavailable("down")


def succeed(breaker: PoolCircuitBreaker) -> None:
    assert breaker.allow()
    with breaker:
        pass


@pytest.fixture
def client():
    return fakeredis.FakeRedis()


def test_failures_in_two_workers_add_up_and_open_it_for_both(client):
    first, second = PoolCircuitBreaker(client, 3, 30), PoolCircuitBreaker(client, 3, 30)
    fail(first)
    fail(second)
    assert first.allow() and first.state == "closed"
    fail(first)
    assert second.state == "open" and not second.allow() and 29 <= second.open_remaining <= 30
    assert circuit_state(client)["state"] == "open"


def test_a_success_anywhere_resets_the_count(client):
    first, second = PoolCircuitBreaker(client, 2, 30), PoolCircuitBreaker(client, 2, 30)
    fail(first)
    succeed(second)
    fail(first)
    assert first.state == "closed" and first.failure_count == 1


def test_answers_that_are_not_outages_do_not_count(client):
    breaker = PoolCircuitBreaker(client, 1, 30)
    with pytest.raises(NotFound), breaker:
        raise NotFound("no such track")
    assert breaker.state == "closed"


def test_half_open_lets_one_probe_through_which_closes_or_reopens_it(client):
    first, second = PoolCircuitBreaker(client, 1, 30), PoolCircuitBreaker(client, 1, 30)
    fail(first)
    client.delete(CIRCUIT_OPEN)  # the recovery timeout passed
    assert first.state == "half_open"
    assert first.allow() and not second.allow(), "exactly one probe"
    fail(first)
    assert second.state == "open", "a failed probe opens it again"
    client.delete(CIRCUIT_OPEN, PROBE)
    assert second.allow()
    with second:
        pass
    assert first.state == "closed" and first.allow()
