"""``resources/subscribe`` and ``resources/unsubscribe`` for 2025-era sessions.

2026-07-28 clients subscribe with ``subscriptions/listen`` (the SDK serves it from a subscription
bus). Legacy sessions get the same events: a subscription is remembered per session, and a
``ResourceUpdated`` published on the bus (``ctx.notify_resource_updated(uri)``) is sent as
``notifications/resources/updated`` to every legacy session subscribed to that URI. As on the
2026 path, any URI may be subscribed; one that never changes simply never fires. A session holds
at most :data:`MAX_PER_SESSION` subscriptions; they end with the session.

A handler's ``ctx.session`` is a proxy the SDK builds for each request; the session itself is its
connection (``ctx.session._connection``: the SDK offers no public handle), which lives as long as
the client's session and sends on its standalone stream.

Example::

    bus = InMemorySubscriptionBus()
    mcp = MCPServer(..., subscriptions=bus)
    LegacySubscriptions(bus).register(mcp)
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any

from mcp import types
from mcp.server import MCPServer
from mcp.server.context import ServerRequestContext
from mcp.server.subscriptions import ResourceUpdated, ServerEvent, SubscriptionBus
from mcp.shared.exceptions import MCPError

log = logging.getLogger(__name__)

MAX_PER_SESSION = 256
MAX_URI_LENGTH = 2048


class LegacySubscriptions:
    """Which legacy session subscribed to which resource URIs; forwards bus updates to them."""

    def __init__(self, bus: SubscriptionBus) -> None:
        self._uris: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
        self._sending: set[asyncio.Task[None]] = set()
        bus.subscribe(self._on_event)

    def register(self, mcp: MCPServer) -> None:
        """Serve ``resources/subscribe`` and ``resources/unsubscribe`` on ``mcp``."""
        lowlevel = mcp._lowlevel_server
        lowlevel.add_request_handler("resources/subscribe", types.SubscribeRequestParams, self.subscribe)
        lowlevel.add_request_handler("resources/unsubscribe", types.UnsubscribeRequestParams, self.unsubscribe)

    def subscribed(self, session: Any) -> set[str]:
        """The URIs the session behind ``session`` (a request's ``ctx.session``) is subscribed to."""
        return set(self._uris.get(_connection(session), ()))

    async def subscribe(
        self, ctx: ServerRequestContext[Any, Any], params: types.SubscribeRequestParams
    ) -> types.EmptyResult:
        """Remember that this session wants updates of ``params.uri``."""
        uri = str(params.uri)
        if not uri or len(uri) > MAX_URI_LENGTH:
            raise MCPError(types.INVALID_PARAMS, f"A resource URI of 1 to {MAX_URI_LENGTH} characters is required.")
        uris = self._uris.setdefault(_connection(ctx.session), set())
        if uri not in uris and len(uris) >= MAX_PER_SESSION:
            raise MCPError(
                types.INVALID_REQUEST,
                f"This session already has {MAX_PER_SESSION} subscriptions; unsubscribe from some first.",
            )
        uris.add(uri)
        return types.EmptyResult()

    async def unsubscribe(
        self, ctx: ServerRequestContext[Any, Any], params: types.UnsubscribeRequestParams
    ) -> types.EmptyResult:
        """Forget a subscription (unknown ones too: the outcome is the same)."""
        self._uris.get(_connection(ctx.session), set()).discard(str(params.uri))
        return types.EmptyResult()

    def _on_event(self, event: ServerEvent) -> None:
        if not isinstance(event, ResourceUpdated):
            return
        for connection, uris in list(self._uris.items()):
            if event.uri in uris:
                task = asyncio.get_running_loop().create_task(self._send(connection, event.uri))
                self._sending.add(task)
                task.add_done_callback(self._sending.discard)

    @staticmethod
    async def _send(connection: Any, uri: str) -> None:
        try:
            await connection.send_resource_updated(uri)
        except Exception as exc:  # a session that ended meanwhile: nobody is listening any more
            log.debug("resource update not delivered", extra={"uri": uri, "error": repr(exc)})


def _connection(session: Any) -> Any:
    """The connection (one per client session) behind a request's ``ctx.session`` proxy."""
    return session._connection
