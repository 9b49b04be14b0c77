"""Catalog entries: Search."""

from shared.catalog.operation import MINUTE, Operation, read

OPERATIONS: tuple[Operation, ...] = (read("search", "workers.jobs.search.search", "search", None, ttl=30 * MINUTE),)
