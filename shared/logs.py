"""JSON-lines logging to stderr, with the request id attached and secrets scrubbed.

stdout belongs to the MCP stdio transport, so nothing here ever writes to it.

Example::

    configure_logging("INFO", process="front")
    with request_context("req-1234"):
        logging.getLogger(__name__).info("cache miss", extra={"op": "track.get"})
    # {"time": "...", "level": "INFO", "logger": "...", "message": "cache miss",
    #  "process": "front", "request_id": "req-1234", "op": "track.get"}
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import re
import sys
from collections.abc import Iterator

from pythonjsonlogger.json import JsonFormatter

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

# Values that must never reach a log line: bearer tokens, OAuth tokens, TIDAL session ids, passwords,
# signed media URLs, MCP session ids, Redis passwords. Keys may sit in JSON that is itself quoted
# inside a message or a traceback (\"access_token\": \"...\"), hence the optional backslashes.
_KEYS = (
    r"access_token|refresh_token|accessToken|refreshToken|device_code|deviceCode|client_secret|password"
    r"|sessionId|session_id|token|sig|signature|Signature|Policy|Key-Pair-Id|X-Amz-Signature|X-Amz-Credential"
)
_SECRET_PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(?i)(basic\s+)[A-Za-z0-9+/=]+"),
    re.compile(rf"((?<![A-Za-z0-9_])(?:{_KEYS})\\*[\"']?\s*[:=]\s*\\*[\"']?)[^\"'&\s,}}\\]+"),
    re.compile(r"(?i)(session ?id:?\s+)[0-9a-f]{16,}"),
    re.compile(r"(?i)(rediss?://[^:/@\s]*:)[^@\s]+(@)"),
]


def scrub(text: str) -> str:
    """Replace secret values in ``text`` with ``***``.

    >>> scrub("authorization: Bearer abc.def")
    'authorization: Bearer ***'
    """
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + "***" + (m.group(2) if m.lastindex and m.lastindex > 1 else ""), text)
    return text


def current_request_id() -> str | None:
    """The request id of the MCP call (front) or job (worker) being handled, if any."""
    return _request_id.get()


@contextlib.contextmanager
def request_context(request_id: str | None) -> Iterator[None]:
    """Attach ``request_id`` to every log record emitted inside the block."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


class _ContextFilter(logging.Filter):
    def __init__(self, process: str) -> None:
        super().__init__()
        self.process = process

    def filter(self, record: logging.LogRecord) -> bool:
        record.process_role = self.process
        record.request_id = _request_id.get()
        return True


class _ScrubbingJsonFormatter(JsonFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def configure_logging(level: str = "INFO", *, process: str) -> None:
    """Send every log record, as one JSON object per line, to stderr.

    ``process`` names the role ("front", "worker", "cli", ...) in each record.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_ContextFilter(process))
    handler.setFormatter(
        _ScrubbingJsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(process_role)s %(request_id)s",
            rename_fields={
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "process_role": "process",
            },
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Chatty libraries: keep their warnings, drop their per-request noise.
    for name in (
        "urllib3",
        "httpx",
        "httpx2",
        "uvicorn.access",
        "mcp.server.lowlevel.server",
        "sse_starlette",
        "werkzeug",
        "mcp.server.streamable_http_manager",
        "mcp.server.streamable_http",
    ):
        # per-request noise; the streamable HTTP loggers also print MCP session ids at INFO
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
