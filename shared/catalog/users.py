"""Catalog entries: user profiles and public playlists (user id 0 is the logged-in user)."""

from shared.catalog.operation import HOUR, MINUTE, Operation, read

_J = "workers.jobs.users."

OPERATIONS: tuple[Operation, ...] = (
    read("user.get", _J + "get_user", "user", "user_id", ttl=HOUR),
    read("user.playlists", _J + "get_user_playlists", "user-playlists", "user_id", ttl=10 * MINUTE, timeout=300),
)
