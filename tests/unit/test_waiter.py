"""The front's result waiter on fakeredis: early answers on the done channel, and what it ignores."""

from __future__ import annotations

import asyncio
import json

import fakeredis
import pytest

from mcp_front.waiter import ResultWaiter
from shared.queueing import DONE_CHANNEL, job_key
from tests.support.processes import eventually

pytestmark = pytest.mark.anyio


@pytest.fixture
async def waiter_and_redis():
    server = fakeredis.FakeServer()
    sync = fakeredis.FakeRedis(server=server)
    waiter = ResultWaiter(fakeredis.FakeAsyncRedis(server=server), sync)
    await waiter.start()
    await asyncio.wait_for(waiter.connected.wait(), 5)
    yield waiter, sync
    await waiter.stop()


async def registered(waiter: ResultWaiter, job_id: str) -> asyncio.Task:
    task = asyncio.ensure_future(waiter.wait(job_id, 10, new_job=True))
    await eventually(lambda: _registered(waiter, job_id), 5, f"the wait for {job_id} never registered", interval=0)
    return task


async def _registered(waiter: ResultWaiter, job_id: str) -> bool:
    return job_id in waiter._pending  # the task registers its future on its first step


async def test_an_unreadable_message_is_ignored_and_the_waiter_keeps_answering(waiter_and_redis):
    waiter, sync = waiter_and_redis
    sync.hset(job_key("job-1"), "status", "started")  # still running: a check finds nothing yet
    first, second = await registered(waiter, "job-1"), await registered(waiter, "job-2")
    sync.publish(DONE_CHANNEL, b"job-1\n{not json")
    sync.publish(DONE_CHANNEL, b"job-2\n" + json.dumps({"ok": True, "data": 2}).encode())
    assert (await second).return_value == {"ok": True, "data": 2}
    assert not first.done()
    sync.publish(DONE_CHANNEL, b"job-1\n" + json.dumps({"ok": True, "data": 1}).encode())
    assert (await first).return_value == {"ok": True, "data": 1}
