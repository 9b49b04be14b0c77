"""Snapshots: the copy of a playlist kept before a destructive write."""

from __future__ import annotations

from pydantic import Field

from shared.models.common import _Model


class Snapshot(_Model):
    """A playlist as it was before a delete, clear, remove or merge."""

    id: str
    playlist_id: str
    title: str
    description: str | None = None
    folder_id: str | None = None
    reason: str = Field(description="The change it was taken before: delete, clear, remove, merge, restore")
    taken_at: str
    track_count: int
    track_ids: list[int] = Field([], description="In playlist order")


class SnapshotList(_Model):
    """Snapshots kept (newest first); each is kept for at least 7 days."""

    total: int
    snapshots: list[Snapshot]
