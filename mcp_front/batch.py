"""Batch reads and long operations, front side: plan from the cache, fan chunks out, answer or hand back a job.

For ``await batches.run(TRACKS, ["1", "2", ...], owner, progress)``:

1. **plan**: the distinct values in the order asked; each is looked up in the cache under its item
   key and, for ids, under the single-object key too (a ``tidal_get_track`` entry answers a track).
   The misses, sorted, are cut into chunks of the kind's ``chunk_size``, so two calls
   missing the same values ask for the same chunks.
2. **record** (:mod:`shared.batches`): the batch's record, the cache's answers, one subscription per
   chunk; then each chunk is enqueued on ``tidal-batch`` (joining an identical chunk job if one runs).
3. **answer**: when the pool's budget says the misses take longer than ``job_after`` seconds, the call
   answers at once with the job's id and ETA. Otherwise it waits, reporting done/total items every
   :data:`~mcp_front.dispatch.PROGRESS_INTERVAL`; if its deadline comes first, it answers with the job id
   as well. Either way nothing is lost: the chunks go on and ``tidal_get_job`` collects them.

A chunk job that fails or vanishes is filed by the front (for every batch waiting on it) as failed
items with the reason, so one bad chunk never fails the batch and a job always ends.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from rq.results import Result

from mcp_front.dispatch import PROGRESS_INTERVAL, Dispatcher
from mcp_front.waiter import LOST
from shared import batches
from shared.cache import decode
from shared.catalog import OPERATIONS
from shared.catalog.batch import KINDS, BatchKind
from shared.errors import NotFound, TidalMcpError, error_from_exc_string
from shared.models import AlbumSummary, ArtistSummary, TrackSummary
from shared.queueing import BATCH_QUEUE, queue_key
from shared.ratelimit import BUCKET_KEY

#: Converts a single-object cache entry (a full track, album or artist) into a batch item.
_SUMMARY_OF: dict[str, type[TrackSummary | AlbumSummary | ArtistSummary]] = {
    "track": TrackSummary,
    "album": AlbumSummary,
    "artist": ArtistSummary,
}


ItemProgress = Callable[[int, int], Awaitable[None]]
"""``progress(done, total)`` in items, awaited every ``PROGRESS_INTERVAL`` s while a batch waits."""


def owner_of(authorization: str | None) -> str:
    """Who a job belongs to: the bearer token's digest, or ``local`` (stdio, loopback without a token)."""
    if authorization and authorization.lower().startswith("bearer "):
        return "t" + hashlib.sha256(authorization[7:].strip().encode()).hexdigest()[:16]
    return "local"


class UnknownJob(TidalMcpError):
    """No job with that id for this caller (never said whether it exists for someone else)."""

    code = "invalid_request"


class Batches:
    """Runs batch reads for the tools and answers for their jobs (see module docstring)."""

    def __init__(self, dispatcher: Dispatcher, *, job_after: float, job_ttl: int) -> None:
        self.dispatcher = dispatcher
        self.client = dispatcher.client
        self.job_after = job_after
        self.job_ttl = job_ttl

    # -- starting --------------------------------------------------------------------------------------

    async def run(
        self,
        kind: BatchKind,
        values: list[str],
        owner: str,
        progress: ItemProgress | None,
        request_id: str | None = None,
        offset: int = 0,
        limit: int = 200,
    ) -> dict[str, Any]:
        """Answer a batch: its first page inline, or its job (``state`` "running") when it is long."""
        distinct = list(dict.fromkeys(values))
        cached, misses = await self._from_cache(kind, distinct)
        if kind.volatile:  # the record keeps no credentials: found items are read from the cache when shown
            cached = {**cached, "found": {value: None for value in cached["found"]}}
        size = kind.chunk_size
        chunks = [misses[i : i + size] for i in range(0, len(misses), size)]
        rate = await self._rate()
        job_id = await batches.create(
            self.client,
            kind=kind.tool,
            owner=owner,
            values=distinct,
            chunks=len(chunks),
            cached=cached,
            rate=rate,
            ttl=self.job_ttl,
        )
        op = OPERATIONS[kind.chunk_op]
        eta = await self._eta(len(chunks) * kind.requests_per_chunk, rate)

        async def start(index: int, chunk: list[str]) -> tuple[str, bool]:
            args = {"values": chunk}
            await batches.subscribe(self.client, batches.subs_key(op.args_digest(args)), job_id, index, self.job_ttl)
            return await self.dispatcher.submit(op, args, request_id)

        rq_ids = list(await asyncio.gather(*(start(i, chunk) for i, chunk in enumerate(chunks))))
        await batches.set_chunk_jobs(self.client, job_id, [rq_id for rq_id, _ in rq_ids])
        if chunks and eta > self.job_after:
            return await self.info(job_id, owner, offset, limit)
        deadline = time.monotonic() + self.dispatcher.wait_timeout
        await self._wait(job_id, kind, chunks, rq_ids, deadline, progress, len(distinct))
        return await self.info(job_id, owner, offset, limit)

    async def _from_cache(self, kind: BatchKind, values: list[str]) -> tuple[dict[str, Any], list[str]]:
        """What fresh cache entries answer (``{"found": {...}, "not_found": [...]}``) and the sorted misses."""
        pipe = self.client.pipeline(transaction=False)
        for value in values:
            for key in (kind.item_key(value), kind.full_key(value)):
                if key:
                    pipe.get(key)
                    pipe.pttl(key)
        replies = iter(await pipe.execute())
        found: dict[str, Any] = {}
        not_found: list[str] = []
        misses: list[str] = []
        for value in values:
            item = decode(next(replies), next(replies))
            full = decode(next(replies), next(replies)) if kind.full_key(value) else None
            if full is not None and full.fresh and full.envelope.get("ok"):
                found[value] = (
                    _SUMMARY_OF[kind.full_kind or ""].model_validate(full.envelope["data"]).model_dump(mode="json")
                )
            elif item is not None and item.fresh and item.envelope.get("ok"):
                found[value] = item.envelope["data"]
            elif item is not None and item.fresh and (item.envelope.get("error") or {}).get("code") == NotFound.code:
                not_found.append(value)
            else:
                misses.append(value)
        return {"found": found, "not_found": not_found}, sorted(misses, key=lambda v: (len(v), v))

    async def _rate(self) -> float:
        raw = await self.client.hget(BUCKET_KEY, "rate")
        return float(raw) if raw else 8.0

    async def _eta(self, requests: int, rate: float) -> float:
        """Seconds ``requests`` TIDAL requests need at the budget, behind the batch queue's jobs (one each)."""
        queued = await self.client.llen(queue_key(BATCH_QUEUE))
        return (requests + queued) / max(rate, 0.1)

    # -- waiting ---------------------------------------------------------------------------------------

    async def _wait(
        self,
        job_id: str,
        kind: BatchKind,
        chunks: list[list[str]],
        rq_ids: list[tuple[str, bool]],
        deadline: float,
        progress: ItemProgress | None,
        total: int,
    ) -> None:
        op = OPERATIONS[kind.chunk_op]
        # every wait checks its job once first: a chunk may have finished while the others were enqueued
        pending = {index: rq_id for index, (rq_id, _new) in enumerate(rq_ids)}
        while pending and time.monotonic() < deadline:
            slice_s = min(PROGRESS_INTERVAL, deadline - time.monotonic())
            outcomes = await asyncio.gather(
                *(self.dispatcher.waiter.wait(rq_id, slice_s) for rq_id in pending.values())
            )
            for index, outcome in zip(list(pending), outcomes, strict=True):
                if outcome is None:
                    continue
                del pending[index]
                reason = _failure(outcome, rq_ids[index][0])
                if reason is not None:
                    subs = batches.subs_key(op.args_digest({"values": chunks[index]}))
                    await batches.file_chunk_async(self.client, subs, {"failed": {v: reason for v in chunks[index]}})
            if progress is not None and pending:
                done = _count(await batches.answers(self.client, job_id))
                await progress(done, total)

    # -- jobs ------------------------------------------------------------------------------------------

    async def info(self, job_id: str, owner: str, offset: int = 0, limit: int = 200) -> dict[str, Any]:
        """A job's state, progress and, when done, one page of its result."""
        record = await batches.load(self.client, job_id)
        if record is None or record["owner"] != owner:
            raise UnknownJob(
                f"No job {job_id} (jobs are kept {self.job_ttl // 3600} h and seen only by the "
                "client that started them). tidal_list_jobs shows yours."
            )
        if record["state"] == "running":
            await self._settle(record)
            record = await batches.load(self.client, job_id) or record
        answers = await batches.answers(self.client, job_id)
        done_items = _count(answers)
        chunks_left = record["chunks"] - record["chunks_done"]
        info: dict[str, Any] = {
            "job_id": job_id,
            "kind": record["kind"],
            "state": record["state"],
            "done": min(done_items, len(record["values"])),
            "total": len(record["values"]),
            "eta_s": round(chunks_left * KINDS[record["kind"]].requests_per_chunk / max(record["rate"], 0.1), 1)
            if record["state"] == "running"
            else None,
            "created": datetime.fromtimestamp(record["created"] / 1000, UTC).isoformat(timespec="seconds"),
        }
        if record["state"] == "running":
            info["message"] = (
                f"Still running: {info['done']} of {info['total']} done. Call tidal_get_job with "
                f"job_id {job_id} in about {max(2, round(info['eta_s'] or 2))} s."
            )
        else:
            if KINDS[record["kind"]].volatile:
                answers = await self._with_volatile_items(KINDS[record["kind"]], answers)
            info["result"] = _result(record, answers, offset, limit)
            if record["state"] == "cancelled":
                info["message"] = f"Cancelled: {info['done']} of {info['total']} were done; the rest never ran."
        return info

    async def _with_volatile_items(self, kind: BatchKind, answers: dict[str, Any]) -> dict[str, Any]:
        """The answers with found items read back from the cache; those gone (expired) become failures."""
        values = [v for answer in answers.values() for v in answer.get("found", {})]
        pipe = self.client.pipeline(transaction=False)
        for value in values:
            pipe.get(kind.item_key(value))
            pipe.pttl(kind.item_key(value))
        replies = iter(await pipe.execute())
        found: dict[str, Any] = {}
        expired: dict[str, str] = {}
        for value in values:
            entry = decode(next(replies), next(replies))
            if entry is not None and entry.fresh and entry.envelope.get("ok"):
                found[value] = entry.envelope["data"]
            else:
                expired[value] = "its URLs are about to expire: ask again for a fresh one"
        return {**answers, "volatile": {"found": found, "not_found": [], "failed": expired}}

    async def _settle(self, record: dict[str, Any]) -> None:
        """File the chunks of a running job whose jobs failed or vanished without filing (no one waited)."""
        answers = await batches.answers(self.client, record["job_id"])
        op = OPERATIONS[KINDS[record["kind"]].chunk_op]
        values = record["values"]
        for index, rq_id in enumerate(record["chunk_jobs"]):
            if str(index) in answers:
                continue
            outcome = await self.dispatcher.waiter.wait(rq_id, 0)
            if outcome is None:
                if await self.client.exists(f"rq:job:{rq_id}"):
                    continue  # queued or running
                outcome = LOST
            reason = _failure(outcome, rq_id)
            if reason is None:
                continue  # it filed before finishing; a reload shows it
            chunk = _chunk_values(values, answers, KINDS[record["kind"]].chunk_size, index)
            subs = batches.subs_key(op.args_digest({"values": chunk}))
            await batches.file_chunk_async(self.client, subs, {"failed": {v: reason for v in chunk}})

    async def cancel(self, job_id: str, owner: str) -> dict[str, Any]:
        """Cancel a running job (its chunks not started never call TIDAL); its state afterwards."""
        await self.info(job_id, owner)  # ownership
        await batches.cancel(self.client, job_id)
        return await self.info(job_id, owner)

    async def recent(self, owner: str, limit: int = 20) -> list[dict[str, Any]]:
        """The owner's recent jobs, newest first, without results."""
        jobs = []
        for job_id in await batches.recent(self.client, owner, limit):
            try:
                info = await self.info(job_id, owner, 0, 0)
            except UnknownJob:
                continue
            info.pop("result", None)
            jobs.append(info)
        return jobs


def _failure(outcome: Any, rq_id: str) -> str | None:
    """Why a finished chunk job filed nothing (None: it succeeded, and filed its answer)."""
    if outcome == LOST:
        return "the chunk job was lost (Redis lost it, or an operator deleted it); retry these"
    if outcome.type != Result.Type.SUCCESSFUL:
        return error_from_exc_string(outcome.exc_string, rq_id).message
    envelope = outcome.return_value
    if isinstance(envelope, dict) and not envelope.get("ok", True):
        return (envelope.get("error") or {}).get("message") or "the chunk failed"  # e.g. not logged in
    return None


def _chunk_values(values: list[str], answers: dict[str, Any], size: int, index: int) -> list[str]:
    """The values chunk ``index`` asked for: the misses (what the cache did not answer), sorted, cut."""
    cache = answers.get("cache", {})
    known = set(cache.get("found", {})) | set(cache.get("not_found", []))
    misses = sorted((v for v in values if v not in known), key=lambda v: (len(v), v))
    return misses[index * size : (index + 1) * size]


def _count(answers: dict[str, Any]) -> int:
    """Values answered so far (found, not found or failed), over every filed answer."""
    return sum(
        len(a.get("found", {})) + len(a.get("not_found", [])) + len(a.get("failed", {})) for a in answers.values()
    )


def _result(record: dict[str, Any], answers: dict[str, Any], offset: int, limit: int) -> dict[str, Any]:
    """The batch's answer in the order asked: one page of ``found``; every not-found and failed value."""
    found: dict[str, Any] = {}
    not_found: set[str] = set()
    failed: dict[str, str] = {}
    for name, answer in answers.items():
        found.update({v: item for v, item in answer.get("found", {}).items() if item is not None})
        not_found.update(answer.get("not_found", []))
        if name != "cache":
            failed.update(answer.get("failed", {}))
    values = record["values"]
    cache = answers.get("cache", {})
    hits = [found[v] for v in values if v in found]
    page = hits[offset : offset + limit]
    more = offset + len(page) < len(hits)
    return {
        "total": len(values),
        "found_total": len(hits),
        "offset": offset,
        "has_more": more,
        "next_offset": offset + len(page) if more else None,
        "found": page,
        "not_found": [v for v in values if v in not_found and v not in found],
        "failed": [
            {"id": v, "error": failed[v]} for v in values if v in failed and v not in found and v not in not_found
        ],
        "from_cache": len(cache.get("found", {})) + len(cache.get("not_found", [])),
    }
