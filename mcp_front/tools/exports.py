"""The library export tool: favorites of every kind, every playlist with every track, the folder tree.

It runs as a batch of parts (one job each, on ``tidal-batch``): small libraries answer inline, big
ones answer with a job to poll (``tidal_get_job``), like any batch (:mod:`mcp_front.batch`).
"""

from __future__ import annotations

from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from mcp_front.tools.batch import run_batch
from mcp_front.tools.common import READ_ONLY, call_op
from shared.catalog.batch import EXPORT
from shared.models import FAVORITE_KINDS, ExportAnswer, Library

PartsPerPage = Annotated[
    int,
    Field(
        strict=True,
        ge=1,
        le=200,
        description="Parts in this answer (a playlist part holds every track); the rest via tidal_get_job",
    ),
]


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

    @mcp.tool(name="tidal_export_library", title="Export my library", annotations=READ_ONLY)
    async def tidal_export_library(ctx: Context, limit: PartsPerPage = 10) -> ExportAnswer:
        """Export the whole library: the folder tree with every playlist, favorites of every kind
        (tracks, albums, artists, playlists, videos, mixes), and every playlist with every track, each
        also as M3U and CSV. Usually answers with a job_id: poll tidal_get_job, page by page."""
        library = Library.model_validate(await call_op(ctx, "tidal_export_library", "playlists.library", {}))
        parts = [
            "library",
            *(f"favorites:{kind}" for kind in FAVORITE_KINDS),
            *(f"playlist:{p.uuid}" for p in library.playlists),
        ]
        return ExportAnswer.model_validate(await run_batch(ctx, EXPORT, parts, limit))
