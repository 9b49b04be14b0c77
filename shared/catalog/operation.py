"""The job catalog's entry type: for each TIDAL operation, its job function, queue, cache key and TTL, timeout.

This is the one place both sides agree on. The front looks an operation up by name, checks the
cache under :meth:`Operation.cache_key`, and otherwise enqueues :attr:`Operation.func` (a dotted
path, so the front never imports worker code) as a new job, or joins the identical job already
queued or running, found under :meth:`Operation.coalesce_key`. The worker runs the function and
caches its result under the same key. Workers run only functions named here.

Adding a TIDAL capability = one job function in ``workers/jobs/<area>.py``, one entry in
``shared/catalog/<area>.py``, one tool in ``mcp_front/tools/<area>.py``.

Example::

    op = OPERATIONS["track.get"]
    op.cache_key({"track_id": 77646170})      # "tidal:track:77646170"
    op.coalesce_key({"track_id": 77646170})   # "tidal:coalesce:track.get:6f1c..." (same args -> same key)
    op.new_job_id({"track_id": 77646170})     # "track_get-6f1c...-a1b2c3d4" (unique per job)
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.queueing import READ_QUEUE, WRITE_QUEUE

MINUTE = 60
HOUR = 60 * MINUTE


@dataclass(frozen=True)
class Operation:
    """One TIDAL operation the pool can run.

    ``cache_kind`` and ``cache_id`` give the key ``tidal:<kind>:<id>``: ``cache_id`` names the single
    argument that identifies the object, or is ``None`` when the whole argument set does (searches),
    in which case the id is a hash of the arguments. ``ttl`` of 0 means "never cache".
    """

    name: str
    func: str
    queue: str
    cache_kind: str
    cache_id: str | None
    ttl: int
    timeout: int
    # How long a "not found" answer is remembered, to spare TIDAL repeated lookups of a bad id.
    negative_ttl: int = 5 * MINUTE
    # Identical concurrent calls share one job (reads); writes never do.
    coalesce: bool = True
    # Changes the account (refused when TIDAL_MCP_READ_ONLY is set).
    writes: bool = False
    # The answer expires (signed URLs): cached until its ``expires_at`` less the minimum lifetime a
    # client must get (``TIDAL_MCP_STREAM_MIN_LIFETIME``), at most ``ttl``, never served stale.
    expiring: bool = False

    def cache_key(self, args: Mapping[str, Any]) -> str:
        """The Redis key this operation's result lives under."""
        ident = str(args[self.cache_id]) if self.cache_id else _digest(args)
        return f"tidal:{self.cache_kind}:{ident}"

    def coalesce_key(self, args: Mapping[str, Any]) -> str | None:
        """Where the id of the job running these exact arguments is kept (None: never shared)."""
        return f"tidal:coalesce:{self.name}:{self.args_digest(args)}" if self.coalesce else None

    def new_job_id(self, args: Mapping[str, Any]) -> str:
        """A new RQ job id, readable in rq-dashboard (RQ ids allow only ``[A-Za-z0-9_-]``)."""
        return f"{self.name.replace('.', '_')}-{self.args_digest(args)[:12]}-{uuid.uuid4().hex[:8]}"

    def args_digest(self, args: Mapping[str, Any]) -> str:
        """The same for the same operation and arguments (in any key order)."""
        return _digest({"op": self.name, "args": dict(args)})


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no whitespace, so equal arguments give equal text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _digest(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()[:32]


def read(name: str, func: str, kind: str, cache_id: str | None, ttl: int, timeout: int = 60, **extra: Any) -> Operation:
    """A cached, coalesced read on the read queue (the common case)."""
    return Operation(
        name=name, func=func, queue=READ_QUEUE, cache_kind=kind, cache_id=cache_id, ttl=ttl, timeout=timeout, **extra
    )


def write(name: str, func: str, kind: str, timeout: int = 300) -> Operation:
    """A write on the write queue: never cached, never coalesced, refused in read-only mode."""
    return Operation(
        name=name,
        func=func,
        queue=WRITE_QUEUE,
        cache_kind=kind,
        cache_id=None,
        ttl=0,
        timeout=timeout,
        negative_ttl=0,
        coalesce=False,
        writes=True,
    )
