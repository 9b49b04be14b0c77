"""The front's protocol pieces that need no process: the per-session SSE event log, legacy resource subscriptions."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import pytest
from mcp import Client, types
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.subscriptions import InMemorySubscriptionBus
from mcp.shared.exceptions import MCPError

from mcp_front.resumability import EventLog
from mcp_front.subscriptions import MAX_PER_SESSION, LegacySubscriptions

pytestmark = pytest.mark.anyio


def response(request_id: int, text: str) -> types.JSONRPCResponse:
    return types.JSONRPCResponse(jsonrpc="2.0", id=request_id, result={"text": text})


async def replayed(store, last_event_id: str) -> tuple[object, list[tuple[str, object]]]:
    sent: list[tuple[str, object]] = []

    async def send(event) -> None:  # type: ignore[no-untyped-def]
        sent.append((event.event_id, event.message.result["text"]))

    return await store.replay_events_after(last_event_id, send), sent


async def test_a_session_replays_only_its_own_stream_after_the_last_event():
    log = EventLog()
    mine, theirs = log.for_session(), log.for_session()
    priming = await mine.store_event("7", None)
    await theirs.store_event("7", None)
    await theirs.store_event("7", response(7, "not yours"))
    await mine.store_event("8", response(8, "other stream"))
    answer = await mine.store_event("7", response(7, "yours"))
    assert await replayed(mine, priming) == ("7", [(answer, "yours")])
    assert await replayed(theirs, answer) == (None, [])  # an id of another session means nothing here
    assert await replayed(mine, "no-such-event") == (None, [])


async def test_the_log_forgets_the_oldest_events_beyond_its_bounds():
    log = EventLog(max_events=3)
    store = log.for_session()
    first = await store.store_event("1", None)
    for n in range(3):
        await store.store_event("1", response(1, str(n)))
    assert len(log) == 3 and await replayed(store, first) == (None, [])
    sized = EventLog(max_bytes=100)
    store = sized.for_session()
    await store.store_event("1", response(1, "x" * 200))
    assert len(sized) == 0
    aged = EventLog(keep_seconds=0)
    await aged.for_session().store_event("1", None)
    assert len(aged) == 0


class Peer:
    """Stands in for the SDK's per-client connection."""


class Ctx:
    """A handler context as far as subscriptions look at it: ``ctx.session._connection``."""

    def __init__(self, connection: object) -> None:
        self.session = SimpleNamespace(_connection=connection)


async def test_legacy_subscribers_get_the_updates_published_on_the_bus():
    bus = InMemorySubscriptionBus()
    mcp = MCPServer("t", subscriptions=bus)
    LegacySubscriptions(bus).register(mcp)

    @mcp.tool()
    async def touch(uri: str, ctx: Context) -> str:
        await ctx.notify_resource_updated(uri)
        return "touched"

    got: list[str] = []

    async def on_message(message) -> None:  # type: ignore[no-untyped-def]
        if isinstance(message, types.ResourceUpdatedNotification):
            got.append(message.params.uri)

    async with Client(mcp, mode="legacy", message_handler=on_message) as client:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # resources/subscribe is deprecated for 2026-07-28 clients
            await client.session.subscribe_resource("tidal://me/playlists")
            await client.session.subscribe_resource("tidal://track/1")
            await client.session.unsubscribe_resource("tidal://track/1")
        for uri in ("tidal://me/playlists", "tidal://track/1", "tidal://album/2"):
            await client.call_tool("touch", {"uri": uri})
        await client.list_tools()  # a round trip: the update went out before it
    assert got == ["tidal://me/playlists"]


async def test_a_session_holds_a_bounded_number_of_subscriptions():
    subs = LegacySubscriptions(InMemorySubscriptionBus())
    mine, other = Ctx(Peer()), Ctx(Peer())
    for n in range(MAX_PER_SESSION):
        await subs.subscribe(mine, types.SubscribeRequestParams(uri=f"tidal://track/{n + 1}"))
    await subs.subscribe(mine, types.SubscribeRequestParams(uri="tidal://track/1"))  # already there: fine
    with pytest.raises(MCPError, match="already has"):
        await subs.subscribe(mine, types.SubscribeRequestParams(uri="tidal://track/0"))
    await subs.subscribe(other, types.SubscribeRequestParams(uri="tidal://track/0"))
    assert len(subs.subscribed(mine.session)) == MAX_PER_SESSION
    assert subs.subscribed(other.session) == {"tidal://track/0"}
