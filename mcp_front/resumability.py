"""Resumable SSE streams for 2025-era sessions (SEP-1699): a client that lost a response stream
reconnects with ``Last-Event-ID`` and gets what it missed.

With an event store the SDK's transport opens every POST SSE stream with a priming event (an id,
empty data and a ``retry`` hint, :data:`RETRY_MS`), stores each message it sends, and replays a
stream's later messages to a ``GET`` carrying ``Last-Event-ID``.

The SDK hands one store to every session and names streams by JSON-RPC request id, which the
sessions share ("1", "2", ...); one store for all would replay another session's events. So each
legacy session gets its own view (:class:`SessionEvents`) of one bounded :class:`EventLog`: events
are kept for :data:`KEEP_SECONDS` at most, :data:`MAX_EVENTS` and :data:`MAX_BYTES` in total (the
oldest go first); a reconnect after that gets nothing to replay and retries its request.

Example::

    log = EventLog()
    install(app_session_manager, log)      # every new legacy session gets log.for_session()
"""

from __future__ import annotations

import itertools
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from mcp.server.streamable_http import EventCallback, EventId, EventMessage, EventStore, StreamId
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.types import JSONRPCMessage
from pydantic import TypeAdapter

RETRY_MS = 1000
KEEP_SECONDS = 60.0
MAX_EVENTS = 10_000
MAX_BYTES = 32 * 1024 * 1024

_MESSAGE: TypeAdapter[Any] = TypeAdapter(JSONRPCMessage)


@dataclass(frozen=True)
class _Event:
    stream_id: StreamId
    data: str | None  # the message as JSON, None for a priming event
    at: float


class EventLog:
    """Every legacy session's recent SSE events, bounded in age, count and size."""

    def __init__(
        self, keep_seconds: float = KEEP_SECONDS, max_events: int = MAX_EVENTS, max_bytes: int = MAX_BYTES
    ) -> None:
        self.keep_seconds, self.max_events, self.max_bytes = keep_seconds, max_events, max_bytes
        self._events: OrderedDict[tuple[int, str], _Event] = OrderedDict()
        self._bytes = 0
        self._sessions = itertools.count(1)

    def for_session(self) -> SessionEvents:
        """The event store of one new session."""
        return SessionEvents(self, next(self._sessions))

    def __len__(self) -> int:
        return len(self._events)

    def add(self, session: int, event_id: str, stream_id: StreamId, data: str | None) -> None:
        self._events[(session, event_id)] = _Event(stream_id, data, time.monotonic())
        self._bytes += len(data or "")
        self._prune()

    def replay(self, session: int, last_event_id: str) -> tuple[StreamId, list[tuple[str, str]]] | None:
        """The stream of ``last_event_id`` and its later messages ``(event id, JSON)``, or None if unknown."""
        self._prune()
        last = self._events.get((session, last_event_id))
        if last is None:
            return None
        later: list[tuple[str, str]] = []
        seen = False
        for (owner, event_id), event in self._events.items():
            if seen and owner == session and event.stream_id == last.stream_id and event.data is not None:
                later.append((event_id, event.data))
            seen = seen or (owner, event_id) == (session, last_event_id)
        return last.stream_id, later

    def _prune(self) -> None:
        deadline = time.monotonic() - self.keep_seconds
        while self._events:
            key, oldest = next(iter(self._events.items()))
            if oldest.at >= deadline and len(self._events) <= self.max_events and self._bytes <= self.max_bytes:
                break
            del self._events[key]
            self._bytes -= len(oldest.data or "")


class SessionEvents(EventStore):
    """One session's view of the :class:`EventLog` (the SDK's ``EventStore``)."""

    def __init__(self, log: EventLog, session: int) -> None:
        self._log = log
        self._session = session
        self._ids = itertools.count(1)

    async def store_event(self, stream_id: StreamId, message: JSONRPCMessage | None) -> EventId:
        event_id = str(next(self._ids))
        data = None if message is None else message.model_dump_json(by_alias=True, exclude_unset=True)
        self._log.add(self._session, event_id, stream_id, data)
        return event_id

    async def replay_events_after(self, last_event_id: EventId, send_callback: EventCallback) -> StreamId | None:
        found = self._log.replay(self._session, last_event_id)
        if found is None:
            return None
        stream_id, later = found
        for event_id, data in later:
            await send_callback(EventMessage(_MESSAGE.validate_json(data), event_id))
        return stream_id


def install(manager: StreamableHTTPSessionManager, log: EventLog) -> None:
    """Give every legacy session the manager admits its own :class:`SessionEvents` of ``log``.

    The manager builds each session's transport in ``_admit_session`` with the one store it was
    given; this replaces it, right after admission and before the session's first message.
    """
    admit = manager._admit_session

    def admit_with_events(requestor: Any) -> Any:
        transport = admit(requestor)
        if transport is not None:
            transport._event_store = log.for_session()
        return transport

    manager._admit_session = admit_with_events  # type: ignore[method-assign]
