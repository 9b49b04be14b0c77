"""The library export: one part per favorites kind, per playlist, and the folder tree."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from shared.models.batch import BatchResult, JobInfo
from shared.models.common import _Model


class ExportPart(_Model):
    """One part of the export: ``library`` (folders and playlists), ``favorites:<kind>`` or ``playlist:<uuid>``."""

    part: str
    title: str
    items: int = Field(description="Tracks of a playlist, favorites of a kind, playlists of the library")
    data: dict[str, Any] = Field(description="The part as JSON (a playlist with every track, a favorites list...)")
    m3u: str | None = Field(None, description="A playlist as an extended M3U (TIDAL share URLs)")
    csv: str | None = Field(
        None, description="A playlist as CSV: position, track id, title, artists, album, ISRC, seconds"
    )


class ExportBatch(BatchResult):
    """Every part, in order: the library, each favorites kind, each playlist."""

    found: list[ExportPart]


class ExportAnswer(JobInfo):
    """The export: its parts when it finished in time, else the job to poll."""

    result: ExportBatch | None = None  # type: ignore[assignment]  # narrows JobInfo.result (the schema names the type)
