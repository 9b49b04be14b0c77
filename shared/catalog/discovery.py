"""Catalog entries: discovery pages, genres and moods (editorial, personal pages change daily)."""

from shared.catalog.operation import HOUR, MINUTE, Operation, read

_J = "workers.jobs.discovery."

OPERATIONS: tuple[Operation, ...] = (
    read("page.get", _J + "get_page", "page", "page", ttl=30 * MINUTE),
    read("page.open", _J + "open_page", "page-link", "path", ttl=30 * MINUTE),
    read("genre.list", _J + "list_genres", "genres", "of", ttl=24 * HOUR),
    read("genre.items", _J + "get_genre_items", "genre-items", None, ttl=6 * HOUR, timeout=180),
)
