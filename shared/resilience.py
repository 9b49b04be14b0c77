"""Retry and circuit-breaker policies for calls to TIDAL, built from tenacity and circuitbreaker.

* :func:`http_retrying` retries one HTTP exchange on connection errors, timeouts, 5xx and 429,
  waiting exponentially with jitter, or exactly ``Retry-After`` when TIDAL sends one. It never
  retries a 4xx that will not change (404, 401, 412 ...): those go straight back to tidalapi.
* :func:`tidal_breaker` opens after consecutive upstream failures, so a TIDAL outage costs one
  fast error per call instead of a pile of timed-out workers.

Example::

    for attempt in http_retrying(attempts=4, max_wait=20):
        with attempt:
            response = send()
            raise_if_transient(response)
"""

from __future__ import annotations

import requests
from circuitbreaker import CircuitBreaker
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential_jitter,
)
from tenacity.wait import wait_base

from shared.errors import UpstreamUnavailable

TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})


class TransientResponse(Exception):
    """TIDAL answered with a status worth retrying; carries the response."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__(f"TIDAL answered {response.status_code}")
        self.response = response

    @property
    def retry_after(self) -> float | None:
        return retry_after_seconds(self.response)


def retry_after_seconds(response: requests.Response) -> float | None:
    """The integer ``Retry-After`` of a response in seconds, or None (HTTP dates are ignored)."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def raise_if_transient(response: requests.Response) -> requests.Response:
    if response.status_code in TRANSIENT_STATUSES:
        raise TransientResponse(response)
    return response


class _wait_retry_after(wait_base):
    """Wait what ``Retry-After`` says when the last failure carried one, else fall back."""

    def __init__(self, fallback: wait_base) -> None:
        self.fallback = fallback

    def __call__(self, retry_state: RetryCallState) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, TransientResponse) and exc.retry_after is not None:
            return exc.retry_after
        return self.fallback(retry_state)


RETRYABLE_EXCEPTIONS = (TransientResponse, requests.ConnectionError, requests.Timeout)


def http_retrying(attempts: int = 4, max_wait: float = 20.0, initial: float = 0.2) -> Retrying:
    """A tenacity ``Retrying`` for one idempotent HTTP exchange (see module docstring)."""
    return Retrying(
        retry=retry_if_exception_type(RETRYABLE_EXCEPTIONS),
        wait=_wait_retry_after(wait_exponential_jitter(multiplier=initial, max=5.0, jitter=initial)),
        stop=stop_after_attempt(attempts) | stop_before_delay(max_wait),
        reraise=True,
    )


def tidal_breaker(failure_threshold: int = 5, recovery_timeout: int = 30) -> CircuitBreaker:
    """A per-process circuit breaker that counts :class:`UpstreamUnavailable` failures."""
    return CircuitBreaker(
        failure_threshold=failure_threshold,
        recovery_timeout=recovery_timeout,
        expected_exception=UpstreamUnavailable,
        name="tidal",
    )
