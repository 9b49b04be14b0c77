"""Batch jobs in Redis: what a batch asked, which chunks it waits on, what each chunk answered.

A batch (one ``tidal_get_tracks`` call, say) is a record that outlives the call, the front and any
worker, so a long one can be answered as a job handle and polled (``tidal_get_job``):

* ``tidal:job:<id>`` (hash): ``kind`` (the tool), ``owner``, ``state`` (running / done / cancelled),
  ``values`` (the distinct ids or codes asked, in order), ``chunks`` and ``chunks_done``, ``created``
  (ms), ``rate`` (the pool budget when planned, for the ETA) and ``chunk_jobs`` (RQ ids).
* ``tidal:job:<id>:chunks`` (hash): chunk index -> its answer ``{"found": {value: item},
  "not_found": [...], "failed": {value: reason}}``; field ``cache`` holds what the cache answered.
* ``tidal:batch:subs:<chunk digest>`` (set of ``<job id>:<index>``): the batches waiting on one chunk
  job. Two calls that need the same chunk share its job; the worker that runs it files the answer
  with every subscriber (:func:`file_chunk`, atomic: a rerun after a crash never counts twice).
* ``tidal:jobs:<owner>`` (sorted set by creation): the owner's recent jobs.

Everything expires after the job retention (``TIDAL_MCP_JOB_TTL``, default 24 h).

Example::

    job_id = await create(client, kind="tidal_get_tracks", owner="local", values=["1", "2"], chunks=1,
                          cached={"found": {"1": {...}}}, rate=8.0, ttl=86400)
    await subscribe(client, subs_key, job_id, 0, ttl=86400)
    file_chunk(sync_client, subs_key, {"found": {"2": {...}}, "not_found": [], "failed": {}})
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Mapping
from typing import Any, cast

import redis
import redis.asyncio as aredis

JOB_PREFIX = "tidal:job:"

# KEYS[1]: the chunk's subscriber set. ARGV[1]: the chunk's answer (JSON).
# For each subscriber, file the answer once; count it; a batch whose chunks are all in is done.
_FILE = """
local members = redis.call('SMEMBERS', KEYS[1])
for _, member in ipairs(members) do
  local sep = string.find(member, ':[^:]*$')
  local job = string.sub(member, 1, sep - 1)
  local index = string.sub(member, sep + 1)
  local record = 'tidal:job:' .. job
  if redis.call('EXISTS', record) == 1 and
     redis.call('HSETNX', record .. ':chunks', index, ARGV[1]) == 1 then
    local done = redis.call('HINCRBY', record, 'chunks_done', 1)
    if done >= tonumber(redis.call('HGET', record, 'chunks')) and redis.call('HGET', record, 'state') == 'running' then
      redis.call('HSET', record, 'state', 'done')
    end
  end
end
return #members
"""


def record_key(job_id: str) -> str:
    return f"{JOB_PREFIX}{job_id}"


def chunks_key(job_id: str) -> str:
    return f"{JOB_PREFIX}{job_id}:chunks"


def owner_key(owner: str) -> str:
    return f"tidal:jobs:{owner}"


def subs_key(chunk_digest: str) -> str:
    """The subscriber set of the chunk job whose arguments have this digest."""
    return f"tidal:batch:subs:{chunk_digest}"


def new_job_id() -> str:
    return f"b{secrets.token_hex(8)}"


async def create(
    client: aredis.Redis,
    *,
    kind: str,
    owner: str,
    values: list[str],
    chunks: int,
    cached: Mapping[str, Any],
    rate: float,
    ttl: int,
) -> str:
    """Record a new batch (already done when ``chunks`` is 0); its id."""
    job_id = new_job_id()
    now_ms = int(time.time() * 1000)
    pipe = client.pipeline(transaction=True)
    pipe.hset(
        record_key(job_id),
        mapping={
            "kind": kind,
            "owner": owner,
            "state": "running" if chunks else "done",
            "values": json.dumps(values),
            "chunks": chunks,
            "chunks_done": 0,
            "created": now_ms,
            "rate": rate,
            "chunk_jobs": "[]",
        },
    )
    pipe.hset(chunks_key(job_id), "cache", json.dumps(dict(cached)))
    pipe.expire(record_key(job_id), ttl)
    pipe.expire(chunks_key(job_id), ttl)
    pipe.zadd(owner_key(owner), {job_id: now_ms})
    pipe.zremrangebyscore(owner_key(owner), 0, now_ms - ttl * 1000)
    pipe.expire(owner_key(owner), ttl)
    await pipe.execute()
    return job_id


async def subscribe(client: aredis.Redis, chunk_subs: str, job_id: str, index: int, ttl: int) -> None:
    """Say that chunk ``index`` of ``job_id`` waits on the chunk job behind ``chunk_subs``."""
    pipe = client.pipeline(transaction=True)
    pipe.sadd(chunk_subs, f"{job_id}:{index}")
    pipe.expire(chunk_subs, ttl)
    await pipe.execute()


async def set_chunk_jobs(client: aredis.Redis, job_id: str, rq_ids: list[str]) -> None:
    await client.hset(record_key(job_id), "chunk_jobs", json.dumps(rq_ids))


def file_chunk(client: redis.Redis, chunk_subs: str, answer: Mapping[str, Any]) -> int:
    """File a chunk's answer with every batch waiting on it (worker side); how many there were."""
    return int(client.eval(_FILE, 1, chunk_subs, json.dumps(dict(answer))))


async def file_chunk_async(client: aredis.Redis, chunk_subs: str, answer: Mapping[str, Any]) -> int:
    """:func:`file_chunk` from the front (a chunk job that failed or vanished without filing)."""
    return int(await client.eval(_FILE, 1, chunk_subs, json.dumps(dict(answer))))


def all_cancelled(client: redis.Redis, chunk_subs: str) -> bool:
    """Whether every batch waiting on this chunk was cancelled (so the chunk need not run)."""
    members = client.smembers(chunk_subs)
    if not members:
        return False
    for member in members:
        job = (member.decode() if isinstance(member, bytes) else member).rsplit(":", 1)[0]
        if cast(bytes, client.hget(record_key(job), "state") or b"").decode() != "cancelled":
            return False
    return True


async def load(client: aredis.Redis, job_id: str) -> dict[str, Any] | None:
    """The record, decoded (None when unknown or expired)."""
    raw = cast(dict[bytes, bytes], await client.hgetall(record_key(job_id)))  # bytes: no decode_responses
    if not raw:
        return None
    fields = {k.decode(): v.decode() for k, v in raw.items()}
    return {
        "job_id": job_id,
        "kind": fields["kind"],
        "owner": fields["owner"],
        "state": fields["state"],
        "values": json.loads(fields["values"]),
        "chunks": int(fields["chunks"]),
        "chunks_done": int(fields["chunks_done"]),
        "created": int(fields["created"]),
        "rate": float(fields.get("rate") or 0),
        "chunk_jobs": json.loads(fields.get("chunk_jobs") or "[]"),
    }


async def answers(client: aredis.Redis, job_id: str) -> dict[str, dict[str, Any]]:
    """Every answer filed so far: ``{"cache": ..., "0": ..., "1": ...}``."""
    raw = cast(dict[bytes, bytes], await client.hgetall(chunks_key(job_id)))
    return {k.decode(): json.loads(v) for k, v in raw.items()}


async def cancel(client: aredis.Redis, job_id: str) -> bool:
    """Cancel a running batch (chunks not started are dropped); False if it was no longer running."""
    script = (
        "if redis.call('HGET', KEYS[1], 'state') == 'running' then "
        "redis.call('HSET', KEYS[1], 'state', 'cancelled') return 1 end return 0"
    )
    return bool(await client.eval(script, 1, record_key(job_id)))


async def recent(client: aredis.Redis, owner: str, limit: int) -> list[str]:
    """The owner's job ids, newest first."""
    return [v.decode() for v in cast(list[bytes], await client.zrevrange(owner_key(owner), 0, limit - 1))]
