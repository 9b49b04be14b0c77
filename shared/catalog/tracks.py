"""Catalog entries: Track reads."""

from shared.catalog.operation import HOUR, Operation, read

OPERATIONS: tuple[Operation, ...] = (
    read("track.get", "workers.jobs.tracks.get_track", "track", "track_id", ttl=6 * HOUR),
)
