"""HTTP hygiene for the front: no client can keep the others out with connections, slow requests or sessions.

uvicorn reads request headers before the application sees anything, with no deadline, and keeps a
fresh connection open forever; the MCP SDK caps legacy (2025-era) sessions only in total. So:

* :class:`GuardedH11Protocol` - uvicorn's h11 protocol with a connection cap per client address and
  in total (refused with a 503 and closed), a deadline for the request headers
  (``TIDAL_MCP_HEADER_TIMEOUT``) and one for the request body (``TIDAL_MCP_BODY_TIMEOUT``): a client
  that sends half a request is answered 408 and disconnected;
* a session cap on the SDK's session manager: legacy MCP sessions expire when idle
  (``TIDAL_MCP_SESSION_IDLE_TIMEOUT``), and are capped per client address
  (``TIDAL_MCP_MAX_SESSIONS_PER_CLIENT``) and in total (``TIDAL_MCP_MAX_SESSIONS``). At a cap the
  session idle the longest makes room - of the same client at its own cap, of the client holding
  the most sessions at the total cap - and a client whose session was reclaimed gets "session not
  found" and opens a new one, as the protocol says. Only when no such session is idle is the new
  one refused ("Too many open sessions", 503). So a flood costs the flooder, not the others.

Both count what they hold; ``/health`` reports it (:meth:`HttpGuard.pressure`).

Example::

    guard = HttpGuard.from_settings(settings)
    app = guard.wrap(mcp.streamable_http_app(...), mcp.session_manager)
    uvicorn.Config(app, http=guard.protocol(), ...)
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, cast

import h11
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from shared.settings import Settings

log = logging.getLogger(__name__)

_client: contextvars.ContextVar[str] = contextvars.ContextVar("http_client", default="?")


@dataclass
class HttpGuard:
    """Limits and live counts shared by every connection of one front process."""

    max_connections: int
    max_connections_per_client: int
    max_sessions: int
    max_sessions_per_client: int
    header_timeout: float
    body_timeout: float
    connections: Counter[str] = field(default_factory=Counter)
    sessions: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    session_manager: StreamableHTTPSessionManager | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpGuard:
        return cls(
            settings.max_connections,
            settings.max_connections_per_client,
            settings.max_sessions,
            settings.max_sessions_per_client,
            settings.header_timeout,
            settings.body_timeout,
        )

    def protocol(self) -> type[H11Protocol]:
        """The uvicorn ``http=`` protocol class bound to this guard."""
        guard = self
        return type("GuardedH11Protocol", (GuardedH11Protocol,), {"guard": guard})

    def wrap(self, app: ASGIApp, manager: StreamableHTTPSessionManager) -> ASGIApp:
        """Install the per-client session cap on the SDK's session manager; return the app to serve."""
        self.session_manager = manager
        _install_session_cap(manager, self)

        async def remember_client(scope: Scope, receive: Receive, send: Send) -> None:
            client = scope.get("client")
            token = _client.set(client[0] if client else "?")
            try:
                await app(scope, receive, send)
            finally:
                _client.reset(token)

        return remember_client

    def pressure(self) -> dict[str, Any]:
        """What ``/health`` reports: connections and legacy sessions, in total and for the busiest client."""
        return {
            "connections": sum(self.connections.values()),
            "max_connections": self.max_connections,
            "busiest_client_connections": max(self.connections.values(), default=0),
            "sessions": sum(self.sessions.values()),
            "max_sessions": self.max_sessions,
            "busiest_client_sessions": max(self.sessions.values(), default=0),
            "max_sessions_per_client": self.max_sessions_per_client,
            "refused": dict(self.refused),
        }


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with connection caps and request deadlines (see module docstring)."""

    guard: HttpGuard

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._address = self.client[0] if self.client else "?"
        self._deadline: asyncio.TimerHandle | None = None
        self._deadline_for: str | None = None
        self._counted = False
        guard = self.guard
        if (
            guard.connections[self._address] >= guard.max_connections_per_client
            or sum(guard.connections.values()) >= guard.max_connections
        ):
            guard.refused["connections"] += 1
            log.warning("refused a connection: too many open", extra={"client": self._address})
            self._refuse(503, b"Too many open connections; retry later.")
            return
        guard.connections[self._address] += 1
        self._counted = True
        self._arm(guard.header_timeout, "headers")

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._counted:
            self.guard.connections[self._address] -= 1
            if self.guard.connections[self._address] <= 0:
                del self.guard.connections[self._address]
            self._counted = False
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.transport.is_closing():
            return
        state = self.conn.their_state
        if state is h11.IDLE and self._deadline is None:
            self._arm(self.guard.header_timeout, "headers")  # a new request began: its headers have a deadline
        elif state is h11.SEND_BODY and self._deadline_for != "body":
            self._arm(self.guard.body_timeout, "body")
        elif state not in (h11.IDLE, h11.SEND_BODY):
            self._disarm()

    def on_response_complete(self) -> None:
        self._disarm()  # the keep-alive timer now covers the idle connection
        super().on_response_complete()

    def _arm(self, seconds: float, what: str) -> None:
        self._disarm()
        self._deadline_for = what
        self._deadline = self.loop.call_later(seconds, self._too_slow, what)

    def _disarm(self) -> None:
        deadline = getattr(self, "_deadline", None)
        if deadline is not None:
            deadline.cancel()
        self._deadline, self._deadline_for = None, None

    def _too_slow(self, what: str) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        self.guard.refused[f"slow_{what}"] += 1
        log.warning(
            "closed a connection that did not send its request in time", extra={"client": self._address, "part": what}
        )
        if self.cycle is not None and not self.cycle.response_started:
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        self._refuse(408, b"Request timed out.")

    def _refuse(self, status: int, body: bytes) -> None:
        reason = {408: b"Request Timeout", 503: b"Service Unavailable"}[status]
        self.transport.write(
            b"HTTP/1.1 %d %s\r\ncontent-type: text/plain\r\ncontent-length: %d\r\n"
            b"connection: close\r\n\r\n%s" % (status, reason, len(body), body)
        )
        self.transport.close()


def _install_session_cap(manager: StreamableHTTPSessionManager, guard: HttpGuard) -> None:
    """Cap legacy sessions per client address and in total on the SDK's session manager.

    The manager decides admission in ``_admit_session`` and forgets sessions in ``_discard_session``
    (its own bookkeeping points); the client address comes from the request being served. The
    manager is built without a total cap of its own (``max_sessions=None``): this one replaces it.
    """
    admit, discard = manager._admit_session, manager._discard_session
    owners: dict[str, str] = {}

    def oldest_idle(address: str) -> str | None:
        """The session of ``address`` that has been idle the longest, if one is idle."""
        best, best_deadline = None, math.inf
        for session_id, owner in owners.items():
            transport = manager._server_instances.get(session_id)
            scope = getattr(transport, "idle_scope", None)
            if owner == address and scope is not None and scope.deadline < best_deadline:
                best, best_deadline = session_id, scope.deadline
        return best

    def reclaim(session_id: str) -> None:
        """End an idle session now (as its idle timeout would) and stop counting it."""
        transport = manager._server_instances.get(session_id)
        forget(session_id)
        if transport is not None and transport.idle_scope is not None:
            transport.idle_scope.cancel()
        guard.refused["sessions_reclaimed"] += 1

    def forget(session_id: str) -> None:
        address = owners.pop(session_id, None)
        if address is not None:
            guard.sessions[address] -= 1
            if guard.sessions[address] <= 0:
                del guard.sessions[address]

    def busiest_with_idle() -> str | None:
        for address, _count in guard.sessions.most_common():
            if oldest_idle(address) is not None:
                return address
        return None

    def admit_per_client(requestor: Any) -> Any:
        address = _client.get()
        for at_cap, scope_of in (
            (guard.sessions[address] >= guard.max_sessions_per_client, lambda: address),
            (len(owners) >= guard.max_sessions, busiest_with_idle),
        ):
            if not at_cap:
                continue
            owner = scope_of()
            victim = oldest_idle(owner) if owner is not None else None
            if victim is None:
                guard.refused["sessions"] += 1
                log.warning("refused a new session: every session is busy", extra={"client": address})
                return None
            reclaim(victim)
        transport = admit(requestor)
        if transport is not None:
            owners[cast(str, transport.mcp_session_id)] = address  # a stateful transport has its id
            guard.sessions[address] += 1
        return transport

    async def discard_per_client(session_id: str, transport: Any) -> None:
        forget(session_id)
        await discard(session_id, transport)

    manager._admit_session = admit_per_client  # type: ignore[method-assign]
    manager._discard_session = discard_per_client  # type: ignore[method-assign]
