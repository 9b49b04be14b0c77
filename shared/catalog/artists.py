"""Catalog entries: Artist reads."""

from shared.catalog.operation import HOUR, Operation, read

OPERATIONS: tuple[Operation, ...] = (
    read("artist.get", "workers.jobs.artists.get_artist", "artist", "artist_id", ttl=6 * HOUR, timeout=120),
)
