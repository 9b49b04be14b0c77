"""Retry policies for calls to TIDAL, built from tenacity.

:func:`http_retrying` retries one HTTP exchange:

* on **429** as long as the caller's time allows, waiting what ``Retry-After`` says (a 429 means
  TIDAL did not process the request, so writes are retried too). The pool-wide limiter has already
  slowed down and paused every worker for that long (:mod:`shared.ratelimit`);
* on connection errors, timeouts and **5xx**, for idempotent requests only, a few times with
  exponential backoff and jitter.

It never retries a 4xx that will not change (404, 401, 412 ...): those go straight back to
tidalapi. The circuit breaker is pool-wide: :mod:`shared.circuit`.

Example::

    for attempt in http_retrying(idempotent=True, remaining=lambda: 30.0):
        with attempt:
            response = send()
            raise_if_transient(response)
"""

from __future__ import annotations

from collections.abc import Callable

import requests
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    wait_exponential_jitter,
)
from tenacity.stop import stop_base
from tenacity.wait import wait_base

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
    if response.status_code in TRANSIENT_STATUSES and not is_final_500(response):
        raise TransientResponse(response)
    return response


def is_final_500(response: requests.Response) -> bool:
    """TIDAL's 500/999 "Unexpected error": what playback info answers for a track that does not exist
    or is not licensed in the country (tidalapi.md); asking again cannot change it."""
    if response.status_code != 500:
        return False
    try:
        return int(response.json().get("subStatus", 0)) == 999
    except (ValueError, AttributeError, TypeError):
        return False


class _wait_retry_after(wait_base):
    """Wait what ``Retry-After`` says when the last failure carried one, else fall back."""

    def __init__(self, fallback: wait_base) -> None:
        self.fallback = fallback

    def __call__(self, retry_state: RetryCallState) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, TransientResponse) and exc.retry_after is not None:
            return exc.retry_after
        return self.fallback(retry_state)


class _stop(stop_base):
    """429s: stop when the wait would outlast the caller's time. Others: after ``attempts`` tries."""

    def __init__(self, attempts: int, remaining: Callable[[], float], wait: wait_base) -> None:
        self.attempts = attempts
        self.remaining = remaining
        self.wait = wait

    def __call__(self, retry_state: RetryCallState) -> bool:
        if self.wait(retry_state) >= self.remaining():
            return True
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, TransientResponse) and exc.response.status_code == 429:
            return False
        return retry_state.attempt_number >= self.attempts


def _retryable(idempotent: bool) -> Callable[[BaseException], bool]:
    def check(exc: BaseException) -> bool:
        if isinstance(exc, TransientResponse):
            return idempotent or exc.response.status_code == 429
        return idempotent and isinstance(exc, (requests.ConnectionError, requests.Timeout))

    return check


def http_retrying(
    *, idempotent: bool, remaining: Callable[[], float], attempts: int = 4, initial: float = 0.2
) -> Retrying:
    """A tenacity ``Retrying`` for one HTTP exchange (see module docstring)."""
    wait = _wait_retry_after(wait_exponential_jitter(multiplier=initial, max=5.0, jitter=initial))
    return Retrying(
        retry=retry_if_exception(_retryable(idempotent)),
        wait=wait,
        stop=_stop(attempts, remaining, wait),
        reraise=True,
    )
