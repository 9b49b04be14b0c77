"""Catalog entries: Album reads."""

from shared.catalog.operation import HOUR, Operation, read

OPERATIONS: tuple[Operation, ...] = (
    read("album.get", "workers.jobs.albums.get_album", "album", "album_id", ttl=6 * HOUR, timeout=120),
    read("album.review", "workers.jobs.albums.get_album_review", "album-review", "album_id", ttl=24 * HOUR),
    read("album.similar", "workers.jobs.albums.get_similar_albums", "similar-albums", "album_id", ttl=24 * HOUR),
    read(
        "album.credits",
        "workers.jobs.albums.get_album_credits",
        "album-credits",
        "album_id",
        ttl=24 * HOUR,
        timeout=120,
    ),
)
