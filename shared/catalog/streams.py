"""Catalog entries: stream resolution, on the fast lane (``tidal-stream``), cached until shortly before expiry."""

from shared.catalog.operation import MINUTE, Operation
from shared.queueing import STREAM_QUEUE

_J = "workers.jobs.streams."

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        name="stream.get",
        func=_J + "get_stream",
        queue=STREAM_QUEUE,
        cache_kind="stream",
        cache_id=None,
        ttl=30 * MINUTE,
        timeout=60,
        negative_ttl=5 * MINUTE,
        expiring=True,
    ),
    Operation(
        name="video_stream.get",
        func=_J + "get_video_stream",
        queue=STREAM_QUEUE,
        cache_kind="video-stream",
        cache_id=None,
        ttl=30 * MINUTE,
        timeout=60,
        negative_ttl=5 * MINUTE,
        expiring=True,
    ),
)
