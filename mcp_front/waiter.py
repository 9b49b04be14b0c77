"""Waiting for job results: one pub/sub subscription per front, however many calls wait.

Workers publish a job's id on ``tidal:pool:done`` in the transaction that stores its result
(:mod:`shared.queueing`); a read job publishes it once before that too, as soon as its answer is
computed, with the answer itself inside the message when it is small or beside it otherwise
(:func:`shared.queueing.publish_answer`); a check reads that answer first. The front keeps one
subscription and one future per job it waits for; a message for a job someone waits on resolves it
(an inline answer) or makes the waiter check that job once. No call holds a Redis connection while
it waits, so 5,000 waiting calls cost one connection, not 5,000.

Pub/sub is fire-and-forget, so the waiter never relies on a message alone:

* a wait checks the result stream right after registering (a job that finished before the wait
  began is found at once);
* after a reconnect (Redis restarted, the network blinked) every pending job is checked again;
* every :data:`SWEEP_INTERVAL` s pending jobs are checked in one pipeline, which also notices a job
  that is gone without a result (an operator deleted it, or Redis lost it): such a wait ends with
  :data:`LOST`.

Example::

    waiter = ResultWaiter(aredis_client, sync_client)
    await waiter.start()
    outcome = await waiter.wait("track_get-...", timeout=2.0)   # Result | LOST | None (still running)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

import redis
import redis.asyncio as aredis
from redis.asyncio.client import PubSub
from redis.asyncio.connection import Connection
from rq.results import Result
from rq.serializers import JSONSerializer

from shared.near_cache import NearCache
from shared.queueing import DONE_CHANNEL, answer_key, job_key, parse_done
from shared.redis_conn import UNAVAILABLE_ERRORS

log = logging.getLogger(__name__)

SWEEP_INTERVAL = 3.0
SWEEP_POLL = 0.5
RECONNECT_MAX = 1.0
LOST = "lost"

Outcome = Result | str


class ResultWaiter:
    """See module docstring."""

    def __init__(self, client: aredis.Redis, sync_client: redis.Redis, near: NearCache | None = None) -> None:
        self.client = client
        self.sync_client = sync_client  # Result objects keep a (never used) sync connection
        self.near = near  # fed the cache's invalidations, which share this subscription's connection
        self._pending: dict[str, asyncio.Future[Outcome]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self._next_sweep = 0.0
        self.connected = asyncio.Event()

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._listen(), name="result-listener"),
            asyncio.create_task(self._sweep_forever(), name="result-sweeper"),
        ]

    async def stop(self) -> None:
        # The loops end by themselves within a second; cancelling a pub/sub read mid-way can leave
        # it hanging (seen with redis-py's asyncio pub/sub), so cancellation is only the fallback.
        self._stopping = True
        if self._tasks:
            _done, late = await asyncio.wait(self._tasks, timeout=3)
            for task in late:
                task.cancel()
        self._tasks = []
        for future in self._pending.values():
            if not future.done():
                future.cancel()
        self._pending.clear()

    @property
    def pending(self) -> int:
        return len(self._pending)

    async def wait(self, job_id: str, timeout: float, *, new_job: bool = False) -> Outcome | None:
        """The job's final outcome (a Result, or :data:`LOST`), or None if it is not done within ``timeout``.

        ``new_job``: the caller just enqueued it, so it cannot have finished before this wait began
        (spares the first check).
        """
        future = self._pending.get(job_id)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._pending[job_id] = future
            future.add_done_callback(lambda _f: self._forget(job_id, _f))
            if not new_job:
                await self._check([job_id], final_only=True)
        if future.done():
            return future.result()
        done, _ = await asyncio.wait({future}, timeout=timeout)
        return future.result() if done else None

    def _forget(self, job_id: str, future: asyncio.Future[Outcome]) -> None:
        if self._pending.get(job_id) is future:
            del self._pending[job_id]

    async def _check(self, job_ids: list[str], *, final_only: bool = False) -> None:
        """Resolve the futures of jobs that have a final result (and, unless ``final_only``, lost ones)."""
        if not job_ids:
            return
        pipe = self.client.pipeline(transaction=False)
        for job_id in job_ids:
            pipe.get(answer_key(job_id))
            pipe.xrevrange(Result.get_key(job_id), count=1)
            pipe.exists(job_key(job_id))
        replies = await pipe.execute()
        for i, job_id in enumerate(job_ids):
            future = self._pending.get(job_id)
            if future is None or future.done():
                continue
            answer, entries, exists = replies[3 * i : 3 * i + 3]
            result = self._answered(job_id, answer) if answer is not None else None
            if result is None:  # not `or`: a Result without a stream entry id is falsy
                result = self._final(job_id, entries)
            if result is not None:
                future.set_result(result)
            elif not exists and not final_only:
                future.set_result(LOST)

    def _answered(self, job_id: str, answer: bytes) -> Result | None:
        """A read job's early answer (:func:`shared.queueing.publish_answer`), as the Result RQ will record
        (None when unreadable: the job's own result is then awaited as usual)."""
        try:
            envelope = json.loads(answer)
        except ValueError:
            log.warning("unreadable early answer ignored", extra={"job_id": job_id})
            return None
        return Result(
            job_id, Result.Type.SUCCESSFUL, self.sync_client, return_value=envelope, serializer=JSONSerializer
        )

    def _final(self, job_id: str, entries: list[Any]) -> Result | None:
        for entry_id, payload in entries or []:
            result = Result.restore(
                job_id, entry_id.decode(), payload, connection=self.sync_client, serializer=JSONSerializer
            )
            if result.type != Result.Type.RETRIED:
                return result
        return None

    async def _listen(self) -> None:
        backoff = 0.1
        done = DONE_CHANNEL.encode()
        while not self._stopping:
            pubsub = _Subscription(self.client.connection_pool, self.near)
            try:
                await pubsub.subscribe(DONE_CHANNEL)
                self.connected.set()
                backoff = 0.1
                await self._check(list(self._pending))  # anything that finished while we were away
                while not self._stopping:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is not None and message.get("type") == "message" and message["channel"] == done:
                        job_id, answer = parse_done(message["data"])
                        future = self._pending.get(job_id)
                        if future is None or future.done():
                            continue
                        result = self._answered(job_id, answer) if answer is not None else None
                        if result is not None:
                            future.set_result(result)
                        else:
                            await self._check([job_id])
            except asyncio.CancelledError:
                raise
            except UNAVAILABLE_ERRORS + (redis.RedisError,) as exc:
                if self.connected.is_set():
                    log.warning("result subscription lost; reconnecting", extra={"error": type(exc).__name__})
                self.connected.clear()
                await asyncio.sleep(backoff)  # reconnect backoff, not a synchronization
                backoff = min(backoff * 2, RECONNECT_MAX)
            finally:
                if self.near is not None:
                    self.near.disable()
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    async def _sweep_forever(self) -> None:
        while not self._stopping:
            await asyncio.sleep(SWEEP_POLL)  # a periodic safety net, not a synchronization
            if time.monotonic() < self._next_sweep:
                continue
            self._next_sweep = time.monotonic() + SWEEP_INTERVAL
            try:
                await self._check(list(self._pending))
            except UNAVAILABLE_ERRORS + (redis.RedisError,):
                pass  # the listener reports the outage; the next sweep retries


class _Subscription(PubSub):
    """The waiter's subscription; with a near cache, each connection it (re)makes first turns on client
    tracking of the cache's keys, so invalidations arrive as RESP3 pushes on it, in order with job results."""

    def __init__(self, pool: aredis.ConnectionPool, near: NearCache | None) -> None:
        super().__init__(pool, ignore_subscribe_messages=True)
        self.near = near

    async def connect(self) -> None:
        first = self.connection is None
        await super().connect()
        if first and self.connection is not None:
            await self._track(self.connection)

    async def on_connect(self, connection: Connection) -> None:
        await self._track(connection)
        await super().on_connect(connection)

    async def _track(self, connection: Connection) -> None:
        near = self.near
        if near is None:
            return
        near.disable()
        if str(connection.protocol) != "3":
            log.warning("the Redis connection speaks RESP2; the front reads every cache hit from Redis")
            return
        connection._parser.set_invalidation_push_handler(self._invalidated)  # type: ignore[attr-defined]  # RESP3 parser (checked above); what redis-py's own cache uses
        await connection.send_command(*near.tracking_command())
        try:
            await connection.read_response()
        except redis.ResponseError as exc:
            log.warning(
                "Redis refused client tracking; the front reads every cache hit from Redis",
                extra={"error": str(exc)[:200]},
            )
            return
        near.enable()

    async def _invalidated(self, push: list[Any]) -> None:
        if self.near is not None:
            self.near.invalidate(push[1])
