"""Batch read tools: up to 1,000 ids or codes per call, fetched twenty at a time across the pool.

Each answers from the cache what it can; the rest runs as chunk jobs on ``tidal-batch`` (served after
single reads, so a big batch never holds up an interactive lookup). A batch that would take longer
than ``TIDAL_MCP_JOB_AFTER`` seconds, or outlives the call's wait, answers with a job to poll with
``tidal_get_job`` (see :mod:`mcp_front.batch`).
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from mcp_front.batch import owner_of
from mcp_front.tools.common import READ_ONLY, AlbumId, ArtistId, Isrc, TrackId, front_state
from shared import metrics
from shared.catalog.batch import ALBUMS, ARTISTS, BARCODES, ISRCS, MATCHES, TRACKS, BatchKind
from shared.errors import TidalMcpError
from shared.logs import request_context
from shared.models import (
    AlbumBatchAnswer,
    ArtistBatchAnswer,
    BarcodeBatchAnswer,
    IsrcBatchAnswer,
    MatchBatchAnswer,
    TrackBatchAnswer,
)

log = logging.getLogger(__name__)

MAX_VALUES = 1000
PAGE = 200

Barcode = Annotated[str, Field(pattern=r"^[0-9]{8,14}$", description="A UPC or EAN barcode, 8-14 digits")]
PageSize = Annotated[
    int, Field(strict=True, ge=1, le=1000, description="Items of the result in this answer; the rest via tidal_get_job")
]


def _values(what: str) -> Any:
    return Field(
        min_length=1, max_length=MAX_VALUES, description=f"{what} (1 to {MAX_VALUES}; repeats are answered once)"
    )


TrackIds = Annotated[list[TrackId], _values("Track ids")]
AlbumIds = Annotated[list[AlbumId], _values("Album ids")]
ArtistIds = Annotated[list[ArtistId], _values("Artist ids")]
Isrcs = Annotated[list[Isrc], _values("ISRCs")]
Barcodes = Annotated[list[Barcode], _values("Barcodes")]
Line = Annotated[str, Field(min_length=1, max_length=300, description='e.g. "Daft Punk - Get Lucky"')]
Lines = Annotated[
    list[Line], Field(min_length=1, max_length=500, description="Song lines (1 to 500; repeats are answered once)")
]


def caller(ctx: Context) -> str:
    """The owner of jobs this call starts (its bearer token's digest, or ``local``)."""
    request = ctx.request_context.request
    headers = getattr(request, "headers", None)
    return owner_of(headers.get("authorization") if headers is not None else None)


async def run_batch(ctx: Context, kind: BatchKind, values: list[str], limit: int) -> dict[str, Any]:
    """Run a batch for a tool, reporting done/total items as progress; tool errors for the model."""
    state = front_state(ctx)
    request_id = uuid.uuid4().hex[:12]

    async def progress(done: int, total: int) -> None:
        await ctx.report_progress(done, total=total, message=f"{done}/{total} items")

    start = time.perf_counter()
    outcome = "error"
    with request_context(request_id):
        try:
            answer = await state.batches.run(kind, values, caller(ctx), progress, request_id, 0, limit)
            outcome = "ok" if answer["state"] == "done" else "job"
            return answer
        except TidalMcpError as exc:
            outcome = exc.code
            raise ToolError(exc.message) from None
        finally:
            metrics.TOOL_CALLS.labels(tool=kind.tool, outcome=outcome).inc()
            metrics.TOOL_SECONDS.labels(tool=kind.tool, source="batch").observe(time.perf_counter() - start)


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

    @mcp.tool(name="tidal_get_tracks", title="Get many tracks", annotations=READ_ONLY)
    async def tidal_get_tracks(track_ids: TrackIds, ctx: Context, limit: PageSize = PAGE) -> TrackBatchAnswer:
        """Get up to 1,000 tracks by id in one call, in the order given: what was found, which ids TIDAL
        does not have, and which could not be fetched now (with why). Big batches may answer with a
        job_id instead: poll tidal_get_job."""
        return TrackBatchAnswer.model_validate(await run_batch(ctx, TRACKS, [str(t) for t in track_ids], limit))

    @mcp.tool(name="tidal_get_albums", title="Get many albums", annotations=READ_ONLY)
    async def tidal_get_albums(album_ids: AlbumIds, ctx: Context, limit: PageSize = PAGE) -> AlbumBatchAnswer:
        """Get up to 1,000 albums by id (without their track lists: tidal_get_album has those)."""
        return AlbumBatchAnswer.model_validate(await run_batch(ctx, ALBUMS, [str(a) for a in album_ids], limit))

    @mcp.tool(name="tidal_get_artists", title="Get many artists", annotations=READ_ONLY)
    async def tidal_get_artists(artist_ids: ArtistIds, ctx: Context, limit: PageSize = PAGE) -> ArtistBatchAnswer:
        """Get up to 1,000 artists by id (name, popularity, picture)."""
        return ArtistBatchAnswer.model_validate(await run_batch(ctx, ARTISTS, [str(a) for a in artist_ids], limit))

    @mcp.tool(name="tidal_find_tracks_by_isrc", title="Find tracks by ISRC", annotations=READ_ONLY)
    async def tidal_find_tracks_by_isrc(isrcs: Isrcs, ctx: Context, limit: PageSize = PAGE) -> IsrcBatchAnswer:
        """Find the TIDAL tracks of up to 1,000 ISRCs (each may have several releases)."""
        codes = [c.upper() for c in isrcs]
        return IsrcBatchAnswer.model_validate(await run_batch(ctx, ISRCS, codes, limit))

    @mcp.tool(name="tidal_find_albums_by_barcode", title="Find albums by barcode", annotations=READ_ONLY)
    async def tidal_find_albums_by_barcode(
        barcodes: Barcodes, ctx: Context, limit: PageSize = PAGE
    ) -> BarcodeBatchAnswer:
        """Find the TIDAL albums of up to 1,000 UPC/EAN barcodes."""
        if len(set(barcodes)) == 0:
            raise ToolError("Give at least one barcode.")
        return BarcodeBatchAnswer.model_validate(await run_batch(ctx, BARCODES, list(barcodes), limit))

    @mcp.tool(name="tidal_match_tracks", title="Match song lines to tracks", annotations=READ_ONLY)
    async def tidal_match_tracks(lines: Lines, ctx: Context, limit: PageSize = PAGE) -> MatchBatchAnswer:
        """Find the TIDAL track for each of up to 500 free-text lines ("Artist - Title", "Title by
        Artist", with or without album/year): the best track with a 0-1 confidence and the runner-up.
        Below 0.6 no track is chosen (`track` null, `candidate` and `reason` say why): check those by hand."""
        cleaned = [" ".join(line.split()) for line in lines]
        if not all(cleaned):
            raise ToolError("Every line needs some text (an empty line matches nothing).")
        return MatchBatchAnswer.model_validate(await run_batch(ctx, MATCHES, cleaned, limit))
