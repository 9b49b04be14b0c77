"""The job protocol between the front and the worker pool: keys, and the scripts that move jobs.

Jobs are ordinary RQ jobs (hash ``rq:job:<id>``, list ``rq:queue:<name>``, RQ's registries and
result streams), so rq-dashboard, ``rq info`` and RQ's own bookkeeping see them as usual. Four
atomic Lua scripts replace RQ's enqueue and dequeue, because RQ's leave two holes:

* **enqueue** (front, one round trip): joins an identical job already queued or running (the
  *coalescing key* ``tidal:coalesce:<op>:<digest>`` names it), or stores the job hash, pushes its id,
  rings the *doorbell* list workers block on, and stamps the enqueue time with Redis's clock. It
  refuses when the queue is past its bound ("busy") or the pool-wide circuit is open.
* **claim** (worker, one round trip): pops the first job of the highest-priority non-empty queue
  and, in the same step, records which worker holds it (``tidal:pool:claims``) and marks that
  worker's liveness key with the job id. RQ's multi-queue dequeue is a plain BLPOP: a worker killed
  between the pop and the started-registry write loses the job for good. Here there is no such gap.
* **release** (worker, at the end of a job, inside RQ's completion transaction): drops the claim,
  marks the worker idle, deletes the coalescing key if it still names this job, and publishes the
  job id on ``tidal:pool:done`` so waiting fronts fetch the result at once.
* **recover** (janitor, :mod:`workers.janitor`): gives a job back to the *front* of its queue when
  the worker holding it is dead (its liveness key expired: a Redis TTL, so no two hosts' clocks are
  ever compared) or has moved on without finishing it; after :data:`MAX_REQUEUES` deaths the job
  fails instead (a job that kills its worker must not kill every worker in turn).

Example::

    outcome = await enqueue(aredis_client, job, queue="tidal-read", coalesce_key=key, max_depth=10_000)
    claimed = claim(redis_client, worker_name, ["tidal-stream", "tidal-read"])   # Claim | None
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import redis
import redis.asyncio as aredis

# Priority order: pressing play, interactive reads, playlist writes, then batch chunks.
STREAM_QUEUE = "tidal-stream"
READ_QUEUE = "tidal-read"
WRITE_QUEUE = "tidal-write"
BATCH_QUEUE = "tidal-batch"
QUEUES = (STREAM_QUEUE, READ_QUEUE, WRITE_QUEUE, BATCH_QUEUE)

DOORBELL = "tidal:pool:doorbell"
CLAIMS = "tidal:pool:claims"
WORKERS = "tidal:pool:workers"
PAUSED = "tidal:pool:paused"
DONE_CHANNEL = "tidal:pool:done"
ANSWER_TTL = 60  # seconds an early answer waits for the fronts (RQ's own result lives as long)
INLINE_ANSWER_MAX = 4096  # bytes of answer sent inside the message to every front (a track: ~0.7 KiB)
CIRCUIT_OPEN = "tidal:circuit:open"
DOORBELL_MAX = 1000
MAX_REQUEUES = 3
IDLE = "-"


def queue_key(name: str) -> str:
    return f"rq:queue:{name}"


def job_key(job_id: str) -> str:
    return f"rq:job:{job_id}"


def answer_key(job_id: str) -> str:
    """Where a read job leaves its answer for the fronts before RQ's completion bookkeeping."""
    return f"tidal:pool:answer:{job_id}"


def publish_answer(pipe: redis.client.Pipeline, job_id: str, envelope: dict[str, Any]) -> None:
    """Queue on ``pipe``: store the job's answer and tell the fronts, ahead of RQ's own completion.

    A read's caller need not wait for RQ to record the job (a transaction, registries, the result
    stream): the answer is final once computed. A small answer travels in the message itself
    (``<job id>\n<answer>``), so a waiting front answers without another round trip; a larger one
    only under :func:`answer_key`, which also serves calls that join later. RQ still completes the
    job as usual (and publishes its id again); a worker that dies in between leaves the job to the
    janitor, which reruns a read harmlessly.
    """
    answer = json.dumps(envelope, separators=(",", ":"))
    pipe.set(answer_key(job_id), answer, ex=ANSWER_TTL)
    pipe.publish(DONE_CHANNEL, f"{job_id}\n{answer}" if len(answer) <= INLINE_ANSWER_MAX else job_id)


def parse_done(message: bytes) -> tuple[str, bytes | None]:
    """A ``tidal:pool:done`` message: the job id, and the answer when it came inline."""
    job_id, _, answer = message.partition(b"\n")
    return job_id.decode(errors="replace"), answer or None


def alive_key(worker_name: str) -> str:
    """The worker's liveness key: its current job id (or ``-``), expiring unless the worker beats."""
    return f"tidal:pool:alive:{worker_name}"


_NOW_MS = "local t = redis.call('TIME') local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)"

_ENQUEUE = f"""
-- KEYS: job, queue, coalesce ('' for none), doorbell, rq:queues, circuit-open
-- ARGV: job id, coalesce ttl ms, max depth (0: none), field, value, ...
if KEYS[3] ~= '' then
  local existing = redis.call('GET', KEYS[3])
  if existing and redis.call('EXISTS', 'rq:job:' .. existing) == 1 then return {{'joined', existing}} end
end
local open = redis.call('PTTL', KEYS[6])
if open > 0 then return {{'open', tostring(open)}} end
local max = tonumber(ARGV[3])
if max > 0 then
  local depth = redis.call('LLEN', KEYS[2])
  if depth >= max then return {{'busy', tostring(depth)}} end
end
{_NOW_MS}
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('HSET', KEYS[1], 'tidal_enqueued_ms', now_ms)
if KEYS[3] ~= '' then redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2]) end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[5], KEYS[2])
redis.call('LPUSH', KEYS[4], '1')
redis.call('LTRIM', KEYS[4], 0, {DOORBELL_MAX - 1})
return {{'enqueued', ARGV[1]}}
"""

_CLAIM = f"""
-- KEYS: claims, alive key, paused, queue keys in priority order...
-- ARGV: worker name, alive ttl ms
if redis.call('EXISTS', KEYS[3]) == 1 then return {{'paused'}} end
for i = 4, #KEYS do
  while true do
    local id = redis.call('LPOP', KEYS[i])
    if not id then break end
    local jk = 'rq:job:' .. id
    if redis.call('EXISTS', jk) == 1 then
      redis.call('PERSIST', jk)
      redis.call('HSET', KEYS[1], id, ARGV[1])
      redis.call('SET', KEYS[2], id, 'PX', ARGV[2])
      {_NOW_MS}
      local enq = tonumber(redis.call('HGET', jk, 'tidal_enqueued_ms')) or now_ms
      return {{'claimed', id, KEYS[i], tostring(now_ms - enq), redis.call('HGETALL', jk)}}
    end
  end
end
return {{'empty'}}
"""

_RELEASE = """
-- KEYS: claims, alive key, coalesce key ('' for none); ARGV: job id, channel
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('SET', KEYS[2], '-', 'KEEPTTL') end
if KEYS[3] ~= '' and redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
redis.call('PUBLISH', ARGV[2], ARGV[1])
return 1
"""

_RECOVER = """
-- KEYS: claims, holder's alive key, job, doorbell; ARGV: job id, holder, max requeues
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return {'gone'} end
if redis.call('GET', KEYS[2]) == ARGV[1] then return {'running'} end
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('EXISTS', KEYS[3]) == 0 then return {'missing'} end
local status = redis.call('HGET', KEYS[3], 'status')
if status == 'finished' or status == 'failed' or status == 'stopped' or status == 'canceled' then
  return {'done'}
end
local origin = redis.call('HGET', KEYS[3], 'origin')
local n = redis.call('HINCRBY', KEYS[3], 'tidal_requeues', 1)
if n > tonumber(ARGV[3]) then return {'poison', origin, tostring(n)} end
local wip = 'rq:wip:' .. origin
local prefix = ARGV[1] .. ':'
for _, member in ipairs(redis.call('ZRANGE', wip, 0, -1)) do
  if string.sub(member, 1, string.len(prefix)) == prefix then redis.call('ZREM', wip, member) end
end
redis.call('HSET', KEYS[3], 'status', 'queued')
redis.call('LPUSH', 'rq:queue:' .. origin, ARGV[1])
redis.call('LPUSH', KEYS[4], '1')
return {'requeued', origin, tostring(n)}
"""


@dataclass(frozen=True)
class EnqueueOutcome:
    """What the enqueue script did: ``enqueued`` / ``joined`` (``job_id`` is the job to wait on),
    ``busy`` (``detail`` = queue depth) or ``open`` (``detail`` = ms the circuit stays open)."""

    state: str
    job_id: str | None = None
    detail: int = 0


@dataclass(frozen=True)
class Claim:
    """A job a worker now holds: its id, queue name, how long it waited (ms, by Redis's clock) and its
    RQ hash as the claim read it (so the worker builds the job without another round trip)."""

    job_id: str
    queue: str
    waited_ms: int
    fields: dict[bytes, bytes] = field(default_factory=dict)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _flatten(mapping: Mapping[str, Any]) -> list[Any]:
    flat: list[Any] = []
    for name, value in mapping.items():
        flat += [name, value]
    return flat


async def enqueue(
    client: aredis.Redis,
    job_id: str,
    job_fields: Mapping[str, Any],
    *,
    queue: str,
    coalesce_key: str | None,
    coalesce_ttl_ms: int,
    max_depth: int,
) -> EnqueueOutcome:
    """Run the enqueue script (see module docstring) for a job whose hash fields are ``job_fields``."""
    keys = [job_key(job_id), queue_key(queue), coalesce_key or "", DOORBELL, "rq:queues", CIRCUIT_OPEN]
    reply = await client.eval(_ENQUEUE, len(keys), *keys, job_id, coalesce_ttl_ms, max_depth, *_flatten(job_fields))
    state = _text(reply[0])
    if state in ("enqueued", "joined"):
        return EnqueueOutcome(state, job_id=_text(reply[1]))
    return EnqueueOutcome(state, detail=int(_text(reply[1])))


class Scripts:
    """The worker-side scripts, registered once per client (EVALSHA afterwards)."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self.claim_script = client.register_script(_CLAIM)
        self.release_script = client.register_script(_RELEASE)
        self.recover_script = client.register_script(_RECOVER)

    def claim(self, worker_name: str, queues: Sequence[str], alive_ttl_ms: int) -> Claim | str:
        """Take the next job, or return why not: ``"empty"`` or ``"paused"``."""
        keys = [CLAIMS, alive_key(worker_name), PAUSED, *(queue_key(q) for q in queues)]
        reply = self.claim_script(keys=keys, args=[worker_name, alive_ttl_ms])
        if _text(reply[0]) != "claimed":
            return _text(reply[0])
        flat = reply[4] if len(reply) > 4 else []
        fields = dict(zip(flat[::2], flat[1::2], strict=True))
        return Claim(_text(reply[1]), _text(reply[2]).removeprefix("rq:queue:"), int(_text(reply[3])), fields)

    def release(self, pipeline: redis.client.Pipeline, job_id: str, worker_name: str, coalesce_key: str | None) -> None:
        """Queue the release of ``job_id`` on ``pipeline`` (RQ's completion transaction)."""
        self.release_script(
            keys=[CLAIMS, alive_key(worker_name), coalesce_key or ""], args=[job_id, DONE_CHANNEL], client=pipeline
        )

    def recover(self, job_id: str, holder: str) -> tuple[str, str | None, int]:
        """Give ``job_id`` back to its queue if ``holder`` is gone: ``(outcome, queue, requeues)``."""
        reply = self.recover_script(
            keys=[CLAIMS, alive_key(holder), job_key(job_id), DOORBELL], args=[job_id, holder, MAX_REQUEUES]
        )
        outcome = _text(reply[0])
        if len(reply) == 1:
            return outcome, None, 0
        return outcome, _text(reply[1]), int(_text(reply[2]))
