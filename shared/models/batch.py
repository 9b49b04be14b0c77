"""Batch reads (many ids or codes in one call) and the long-operation jobs that carry big ones."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from shared.models.albums import AlbumSummary
from shared.models.common import AlbumRef, ArtistRef, _Model


class TrackSummary(_Model):
    """A track as a batch read returns it: what TIDAL's multi-get carries (no track/volume number,
    replay gain or stream date: ``tidal_get_track`` has those)."""

    id: int
    title: str
    version: str | None = None
    duration_s: int = Field(description="Length in seconds")
    explicit: bool | None = None
    popularity: int | None = Field(None, description="0-100")
    isrc: str | None = None
    media_tags: list[str] = Field([], description="LOSSLESS, HIRES_LOSSLESS, DOLBY_ATMOS ...")
    bpm: int | None = None
    key: str | None = None
    key_scale: str | None = None
    copyright: str | None = None
    available: bool = Field(description="Whether the track can be streamed in the account's country")
    artists: list[ArtistRef]
    album: AlbumRef | None = None
    url: str


class ArtistSummary(_Model):
    """An artist as a batch read returns it."""

    id: int
    name: str
    popularity: int | None = Field(None, description="0-100")
    picture_url: str | None = None
    url: str


class ItemFailure(_Model):
    """An id or code a batch could not answer, and why (retrying it later may work)."""

    id: str
    error: str


class BatchResult(_Model):
    """What a batch read found, in the order asked (duplicates answered once); ``found`` is paged."""

    total: int = Field(description="Distinct ids or codes asked")
    found_total: int = Field(description="How many were found (all pages)")
    offset: int = 0
    has_more: bool = False
    next_offset: int | None = Field(None, description="Pass as offset to tidal_get_job for the next page")
    found: list[Any] = Field(description="One page of what was found, in the order asked")
    not_found: list[str] = Field(description="Ids or codes TIDAL does not have (or not in this country)")
    failed: list[ItemFailure] = Field(description="Ids or codes that could not be fetched now, with the reason")
    from_cache: int = Field(description="How many were answered from the cache")


class TrackBatch(BatchResult):
    """Tracks by id."""

    found: list[TrackSummary]


class AlbumBatch(BatchResult):
    """Albums by id."""

    found: list[AlbumSummary]


class ArtistBatch(BatchResult):
    """Artists by id."""

    found: list[ArtistSummary]


class IsrcMatch(_Model):
    """The tracks that carry one ISRC (several releases may share it)."""

    isrc: str
    tracks: list[TrackSummary]


class BarcodeMatch(_Model):
    """The album with one barcode (UPC/EAN)."""

    barcode: str
    albums: list[AlbumSummary]


class IsrcBatch(BatchResult):
    """Tracks by ISRC."""

    found: list[IsrcMatch]


class BarcodeBatch(BatchResult):
    """Albums by barcode."""

    found: list[BarcodeMatch]


class TrackMatch(_Model):
    """The TIDAL track one free-text line names, or why none was chosen."""

    line: str
    parsed: dict[str, str | None] = Field(description="The title, artist, album and year read from the line")
    track: TrackSummary | None = Field(None, description="The match; null when no candidate was confident")
    confidence: float = Field(description="0-1 score of the best candidate")
    candidate: TrackSummary | None = Field(None, description="The best candidate when it was not confident")
    runner_up: TrackSummary | None = None
    runner_up_confidence: float | None = None
    reason: str | None = Field(None, description="Why no track was chosen")


class MatchBatch(BatchResult):
    """One entry per line, in the order given."""

    found: list[TrackMatch]


JobState = Literal["running", "done", "cancelled", "failed"]


class JobInfo(_Model):
    """A long operation: where it stands, and its result once done (paged)."""

    job_id: str
    kind: str = Field(description="The tool that started it")
    state: JobState
    done: int = Field(description="Items done so far")
    total: int = Field(description="Items in all")
    eta_s: float | None = Field(None, description="Estimated seconds left while running")
    created: str
    message: str | None = None
    result: dict[str, Any] | None = Field(None, description="When done: one page of the result")


class TrackBatchAnswer(JobInfo):
    """A batch of tracks: the result when it finished in time, else the job to poll."""

    result: TrackBatch | None = None  # type: ignore[assignment]  # narrows JobInfo.result (the schema names the type)


class AlbumBatchAnswer(JobInfo):
    """A batch of albums: the result when it finished in time, else the job to poll."""

    result: AlbumBatch | None = None  # type: ignore[assignment]  # narrows JobInfo.result (the schema names the type)


class ArtistBatchAnswer(JobInfo):
    """A batch of artists: the result when it finished in time, else the job to poll."""

    result: ArtistBatch | None = None  # type: ignore[assignment]  # narrows JobInfo.result (the schema names the type)


class IsrcBatchAnswer(JobInfo):
    """Tracks by ISRC: the result when it finished in time, else the job to poll."""

    result: IsrcBatch | None = None  # type: ignore[assignment]  # narrows JobInfo.result (the schema names the type)


class BarcodeBatchAnswer(JobInfo):
    """Albums by barcode: the result when it finished in time, else the job to poll."""

    result: BarcodeBatch | None = None  # type: ignore[assignment]  # narrows JobInfo.result (the schema names the type)


class MatchBatchAnswer(JobInfo):
    """Lines matched to tracks: the result when it finished in time, else the job to poll."""

    result: MatchBatch | None = None  # type: ignore[assignment]  # narrows JobInfo.result (the schema names the type)


class JobList(_Model):
    """The caller's recent jobs, newest first."""

    jobs: list[JobInfo]


class ChunkAnswer(_Model):
    """What one chunk job answers (and files with every batch waiting on it)."""

    found: dict[str, Any] = {}
    not_found: list[str] = []
    failed: dict[str, str] = {}
    cancelled: bool = False
