"""What every write job leans on: its progress record, the per-playlist lock, and cache invalidation.

* :class:`WriteRecord` - ``tidal:write:<job id>``: what a write has planned and confirmed so far. A
  job killed mid-way is requeued *with the same id* (:mod:`workers.janitor`), so its rerun finds the
  record and carries on from the last confirmed step instead of starting over.
* :func:`playlist_lock` - writes to one playlist run one at a time across the whole pool (any host);
  the lock expires :data:`LOCK_TTL_MS` after its holder stops renewing it, so a killed worker's lock
  frees itself quickly, while a live holder renews it for as long as its job runs.
* :func:`invalidate` - a write removes exactly the cache entries it changes, so the next read
  through any front sees it.

Example::

    write = current_write()
    with playlist_lock(write.client, uuid, wait=write.lock_wait):
        record = write.record("add")
        progress = record.load() or {}
        ...
        record.save(progress)
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid as uuid_module
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import redis
from rq import get_current_job

from shared.catalog import OPERATIONS
from shared.errors import Busy
from shared.models import FAVORITE_ORDERS
from workers.runtime import current_context, job_remaining

RECORD_TTL = 24 * 3600
LOCK_TTL_MS = 10_000
LOCK_RENEW_EVERY = 3.0

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


LOCK_MARGIN = 10.0  # seconds a write keeps, after waiting for a lock, to do its work and report


@dataclass(frozen=True)
class WriteJob:
    """The running write job: its Redis, its id (the key of its progress records), its lock patience."""

    client: redis.Redis
    job_id: str

    def record(self, step: str = "") -> WriteRecord:
        """The progress record of one step of this job (steps of a multi-step write are named)."""
        return WriteRecord(self.client, f"{self.job_id}:{step}" if step else self.job_id)

    @property
    def lock_wait(self) -> float:
        return max(1.0, job_remaining() - LOCK_MARGIN)


def current_write() -> WriteJob:
    """The write job running in this worker (writes only run as RQ jobs: their records need its id)."""
    job = get_current_job()
    if job is None:
        raise RuntimeError("playlist writes run as RQ jobs (their progress is keyed by the job id)")
    return WriteJob(current_context().redis, job.id)


class WriteRecord:
    """A write job's progress, kept for a day (see module docstring)."""

    def __init__(self, client: redis.Redis, job_id: str) -> None:
        self.client = client
        self.key = f"tidal:write:{job_id}"

    def load(self) -> dict[str, Any] | None:
        raw = self.client.get(self.key)
        return json.loads(raw) if raw else None

    def save(self, progress: dict[str, Any]) -> None:
        self.client.set(self.key, json.dumps(progress), ex=RECORD_TTL)


@contextlib.contextmanager
def playlist_lock(client: redis.Redis, playlist_id: str, *, wait: float) -> Iterator[None]:
    """Hold the pool-wide lock of ``playlist_id`` (renewed while held; freed by expiry if we die)."""
    key = f"tidal:lock:playlist:{playlist_id}"
    token = uuid_module.uuid4().hex
    deadline = time.monotonic() + wait
    while not client.set(key, token, nx=True, px=LOCK_TTL_MS):
        if time.monotonic() >= deadline:
            raise Busy("Another change to this playlist is still running; retry when it is done.")
        time.sleep(0.05)  # waiting for the other writer's lock, bounded by the job's own time
    stop = threading.Event()
    renew = client.register_script(_RENEW)

    def keep() -> None:
        while not stop.wait(LOCK_RENEW_EVERY):
            with contextlib.suppress(redis.RedisError, OSError):
                renew(keys=[key], args=[token, LOCK_TTL_MS])

    keeper = threading.Thread(target=keep, name=f"lock-{playlist_id[:8]}", daemon=True)
    keeper.start()
    try:
        yield
    finally:
        stop.set()
        keeper.join(timeout=1)
        with contextlib.suppress(redis.RedisError, OSError):
            client.register_script(_RELEASE)(keys=[key], args=[token])


def invalidate(client: redis.Redis, *keys: str) -> None:
    """Drop cache entries a write changed (best effort: they expire anyway)."""
    with contextlib.suppress(redis.RedisError, OSError):
        if keys:
            client.delete(*keys)


def library_key() -> str:
    """The cached listing of every folder and playlist."""
    return OPERATIONS["playlists.library"].cache_key({})


def playlist_keys(*playlist_ids: str) -> tuple[str, ...]:
    """The cache entries a change to these playlists makes stale: each playlist and the listing."""
    get = OPERATIONS["playlist.get"]
    return (*(get.cache_key({"playlist_id": uuid}) for uuid in playlist_ids), library_key())


def favorites_keys(kind: str) -> tuple[str, ...]:
    """The cached favorites lists of ``kind`` (every order); playlists also change the library listing."""
    listing = OPERATIONS["favorites.list"]
    keys = tuple(listing.cache_key({"kind": kind, "order": order}) for order in FAVORITE_ORDERS)
    return (*keys, library_key()) if kind == "playlists" else keys
