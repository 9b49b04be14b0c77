"""Catalog entries: favorites of every kind."""

from shared.catalog.operation import MINUTE, Operation, read, write

_J = "workers.jobs.favorites."

OPERATIONS: tuple[Operation, ...] = (
    read("favorites.list", _J + "list_favorites", "favorites", None, ttl=5 * MINUTE, timeout=300),
    write("favorites.add", _J + "add_favorites", "favorites"),
    write("favorites.remove", _J + "remove_favorites", "favorites"),
)
