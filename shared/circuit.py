"""The pool-wide circuit breaker: ``circuitbreaker``'s CircuitBreaker with its state in Redis.

One breaker for the whole pool (every worker on every host), so a TIDAL outage is noticed once and
every worker stops hammering TIDAL together; the front sees the same state (its enqueue script
refuses work while the circuit is open, and ``/metrics`` and ``tidal-mcp status`` show it).

State, all Redis keys with Redis-side TTLs:

* ``tidal:circuit:failures`` - consecutive failed jobs (reset by any success; forgotten after
  :data:`FAILURE_WINDOW` s without a failure, so only *sustained* failure opens the circuit);
* ``tidal:circuit:open`` - exists while the circuit is open (TTL = the recovery timeout);
* ``tidal:circuit:tripped`` - set when it opens, cleared when a probe succeeds. Open key expired but
  tripped still set = half-open: one worker wins ``tidal:circuit:probe`` and tries TIDAL; success
  closes the circuit, failure opens it again.

Example::

    breaker = PoolCircuitBreaker(redis_client, failure_threshold=5, recovery_timeout=30)
    if breaker.allow():
        with breaker:          # counts UpstreamUnavailable as failure, anything else as success
            call_tidal()
"""

from __future__ import annotations

import logging
from typing import Any, Literal

import redis
from circuitbreaker import STATE_CLOSED, STATE_HALF_OPEN, STATE_OPEN, CircuitBreaker

from shared import metrics
from shared.errors import UpstreamUnavailable
from shared.queueing import CIRCUIT_OPEN

log = logging.getLogger(__name__)

FAILURES = "tidal:circuit:failures"
TRIPPED = "tidal:circuit:tripped"
PROBE = "tidal:circuit:probe"
FAILURE_WINDOW = 60
PROBE_TIMEOUT_MS = 30_000
STATES = (STATE_CLOSED, STATE_HALF_OPEN, STATE_OPEN)

_RECORD_FAILURE = """
-- KEYS: failures, open, tripped, probe; ARGV: threshold, recovery ms, window s
-- returns {consecutive failures, 1 when this failure opened a circuit that was not open}
local n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
local was_open = redis.call('EXISTS', KEYS[2])
local half_open = redis.call('EXISTS', KEYS[3]) == 1 and was_open == 0
if n >= tonumber(ARGV[1]) or half_open then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
  redis.call('SET', KEYS[3], '1')
  redis.call('DEL', KEYS[4])
  return {n, 1 - was_open}
end
return {n, 0}
"""


class PoolCircuitBreaker(CircuitBreaker):
    """See module docstring."""

    def __init__(self, client: redis.Redis, failure_threshold: int = 5, recovery_timeout: int = 30) -> None:
        super().__init__(
            failure_threshold=failure_threshold,
            recovery_timeout=recovery_timeout,
            expected_exception=UpstreamUnavailable,
            name="tidal",
        )
        self.client = client
        self._record_failure = client.register_script(_RECORD_FAILURE)
        self._dirty = False  # the last allow() saw failures or a tripped circuit: a success must clear them

    def __exit__(self, exc_type: Any, exc_value: Any, _traceback: Any) -> Literal[False]:
        if exc_type and self.is_failure(exc_type, exc_value):
            self._last_failure = exc_value
            self._failed()
        else:
            self.reset()
        return False

    def allow(self, snapshot: dict[str, Any] | None = None) -> bool:
        """Whether this call may go to TIDAL now (closed, or this worker won the half-open probe).

        One round trip, or none when the caller read ``snapshot`` (:func:`queue_circuit_reads`) alongside its
        own reads; it also tells :meth:`reset` whether a success has anything to clear.
        """
        if snapshot is None:
            snapshot = circuit_state(self.client)
        self._dirty = snapshot["state"] != STATE_CLOSED or snapshot["consecutive_failures"] > 0
        if snapshot["state"] == STATE_CLOSED:
            return True
        if snapshot["state"] == STATE_HALF_OPEN:
            return bool(self.client.set(PROBE, "1", nx=True, px=PROBE_TIMEOUT_MS))
        return False

    def reset(self) -> None:
        """A success: clear the failure count, and close the circuit after a successful probe."""
        if not self._dirty:
            return
        tripped = self.client.exists(TRIPPED)
        self.client.delete(FAILURES, TRIPPED, PROBE, CIRCUIT_OPEN)
        if tripped:
            log.info("TIDAL answers again: circuit closed")
        self._dirty = False

    def _failed(self) -> None:
        count, opened = self._record_failure(
            keys=[FAILURES, CIRCUIT_OPEN, TRIPPED, PROBE],
            args=[self._failure_threshold, self._recovery_timeout * 1000, FAILURE_WINDOW],
        )
        self._dirty = True
        if opened:
            metrics.CIRCUIT_OPENS.inc()
            log.warning(
                "TIDAL keeps failing: circuit open for the whole pool",
                extra={"failures": count, "recovery_s": self._recovery_timeout},
            )

    @property
    def state(self) -> str:  # type: ignore[override]
        open_ms, tripped = self._read()
        if open_ms > 0:
            return STATE_OPEN
        return STATE_HALF_OPEN if tripped else STATE_CLOSED

    @property
    def open_remaining(self) -> int:  # type: ignore[override]
        return -(-self._read()[0] // 1000)

    @property
    def failure_count(self) -> int:  # type: ignore[override]
        return int(self.client.get(FAILURES) or 0)

    def _read(self) -> tuple[int, bool]:
        pipe = self.client.pipeline(transaction=False)
        pipe.pttl(CIRCUIT_OPEN)
        pipe.exists(TRIPPED)
        open_ms, tripped = pipe.execute()
        return max(0, int(open_ms)), bool(tripped)


def circuit_state(client: redis.Redis) -> dict[str, Any]:
    """The circuit as ``/metrics`` and ``tidal-mcp status`` report it."""
    pipe = client.pipeline(transaction=False)
    queue_circuit_reads(pipe)
    return circuit_from(pipe.execute())


def queue_circuit_reads(pipe: redis.client.Pipeline) -> None:
    """Queue the circuit's three reads on ``pipe`` (beside a caller's own; :func:`circuit_from` reads
    the first three replies)."""
    pipe.pttl(CIRCUIT_OPEN)
    pipe.exists(TRIPPED)
    pipe.get(FAILURES)


def circuit_from(replies: list[Any]) -> dict[str, Any]:
    """The circuit's state from the replies to :func:`queue_circuit_reads`."""
    open_ms, tripped, failures = replies[:3]
    open_ms = max(0, int(open_ms))
    state = STATE_OPEN if open_ms > 0 else (STATE_HALF_OPEN if tripped else STATE_CLOSED)
    return {"state": state, "open_for_s": round(open_ms / 1000, 1), "consecutive_failures": int(failures or 0)}
