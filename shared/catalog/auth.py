"""Catalog entries: The login status."""

from shared.catalog.operation import Operation, read

OPERATIONS: tuple[Operation, ...] = (
    read("auth.status", "workers.jobs.auth.auth_status", "auth", None, ttl=0, timeout=30),
)
