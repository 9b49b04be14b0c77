"""Catalog entries: Playlist reads and writes."""

from shared.catalog.operation import MINUTE, Operation, read

OPERATIONS: tuple[Operation, ...] = (
    read("playlist.get", "workers.jobs.playlists.get_playlist", "playlist", "playlist_id", ttl=5 * MINUTE,
         timeout=300),
)
