"""Catalog entries: Album reads."""

from shared.catalog.operation import HOUR, Operation, read

OPERATIONS: tuple[Operation, ...] = (
    read("album.get", "workers.jobs.albums.get_album", "album", "album_id", ttl=6 * HOUR, timeout=120),
)
