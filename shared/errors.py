"""Errors that travel from a worker to the front, and the result envelope that carries them.

A job ends one of two ways:

* It returns an **envelope**: ``{"ok": true, "data": ...}`` or, for an expected answer that is not
  data (an unknown id, no stored login), ``{"ok": false, "error": {"code", "message"}}``. Envelopes
  are cached like data, so a bad id does not reach TIDAL again for a while.
* It **raises** one of the :class:`TidalMcpError` subclasses below (TIDAL unavailable, rate
  limited, ...). RQ records the job as failed, and the front rebuilds the error from the last
  line of the failure text with :func:`error_from_exc_string`.

Every message here is written for the model and the user: it says what happened and what to do,
and never carries a token, a URL with a session id, or a traceback.
"""

from __future__ import annotations

import re
from typing import Any


class TidalMcpError(Exception):
    """Base of every error whose message is safe and useful to show to the MCP client."""

    code = "internal"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_envelope(self) -> dict[str, Any]:
        return {"ok": False, "error": {"code": self.code, "message": self.message}}


class NotFound(TidalMcpError):
    """TIDAL has no object with that id (or it is not available in the account's country)."""

    code = "not_found"


class NotLoggedIn(TidalMcpError):
    """No TIDAL login is stored, or the stored one was rejected."""

    code = "not_logged_in"


class InvalidRequest(TidalMcpError):
    """TIDAL refused the request as malformed; retrying the same request will not help."""

    code = "invalid_request"


class RateLimited(TidalMcpError):
    """TIDAL kept answering 429 after the pool waited for it."""

    code = "rate_limited"


class UpstreamUnavailable(TidalMcpError):
    """TIDAL did not answer, answered 5xx, or the circuit breaker is open."""

    code = "upstream_unavailable"


class JobTimeout(TidalMcpError):
    """The pool did not finish the job within the front's deadline."""

    code = "timeout"


class NoWorkers(TidalMcpError):
    """No worker process is alive to take the job."""

    code = "no_workers"


class BackendUnavailable(TidalMcpError):
    """Redis (the queue and cache) does not answer."""

    code = "backend_unavailable"


class Busy(TidalMcpError):
    """The server refuses new work for now (too many waiting calls, or a queue past its bound)."""

    code = "busy"


class WorkerLost(TidalMcpError):
    """The job's worker died and the pool gave up on the job (or it vanished from the queue)."""

    code = "worker_lost"


class Paused(TidalMcpError):
    """An operator paused the worker pool (``tidal-mcp pause``): TIDAL is not asked until it resumes."""

    code = "paused"


_BY_CODE = {cls.code: cls for cls in TidalMcpError.__subclasses__()}
_BY_NAME = {cls.__name__: cls for cls in TidalMcpError.__subclasses__()}
_LAST_LINE = re.compile(r"^(?:[\w.]+\.)?(?P<name>\w+): (?P<message>.*)$")

NOT_LOGGED_IN_MESSAGE = (
    "Not logged in to TIDAL. Run `tidal-mcp login` on the server host (it prints a link to open), then retry."
)


def ok(data: Any) -> dict[str, Any]:
    """The envelope of a successful job."""
    return {"ok": True, "data": data}


def unwrap(envelope: dict[str, Any]) -> Any:
    """Return the data of an envelope, or raise the error it carries."""
    if envelope.get("ok"):
        return envelope["data"]
    error = envelope.get("error") or {}
    cls = _BY_CODE.get(error.get("code", ""), TidalMcpError)
    raise cls(error.get("message") or "The TIDAL request failed.")


def error_from_exc_string(exc_string: str | None, job_id: str) -> TidalMcpError:
    """Rebuild a failed job's error from RQ's failure text (a traceback ending in ``Class: msg``).

    Only our own error classes keep their message; anything else becomes a generic error that
    names the job, so the operator can find the traceback in the worker log or rq-dashboard.
    """
    lines = [line for line in (exc_string or "").strip().splitlines() if line.strip()]
    match = _LAST_LINE.match(lines[-1]) if lines else None
    if match and match["name"] in _BY_NAME:
        return _BY_NAME[match["name"]](match["message"])
    return TidalMcpError(
        f"The worker failed while calling TIDAL (job {job_id}). The details are in the worker log "
        "and in rq-dashboard; retrying may help."
    )
