"""What every tool module shares: annotations, bounded id types, and the call into the dispatcher."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from mcp_front.examples import EXAMPLE_ALBUM_ID, EXAMPLE_ARTIST_ID, EXAMPLE_PLAYLIST_UUID, EXAMPLE_TRACK_ID
from shared import metrics
from shared.errors import TidalMcpError
from shared.logs import request_context

log = logging.getLogger(__name__)

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True)

# strict: JSON true, 1.5 or "42" are not ids or counts (pydantic would coerce them otherwise)
TrackId = Annotated[int, Field(strict=True, ge=1, le=10**12, description=f"TIDAL track id, e.g. {EXAMPLE_TRACK_ID}")]
AlbumId = Annotated[int, Field(strict=True, ge=1, le=10**12, description=f"TIDAL album id, e.g. {EXAMPLE_ALBUM_ID}")]
ArtistId = Annotated[int, Field(strict=True, ge=1, le=10**12,
                                description=f"TIDAL artist id, e.g. {EXAMPLE_ARTIST_ID}")]
PlaylistId = Annotated[
    str,
    Field(
        pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        description=f"TIDAL playlist UUID, e.g. {EXAMPLE_PLAYLIST_UUID}",
    ),
]


async def call_op(
    ctx: Context, tool: str, op: str, args: dict[str, Any], passthrough: type[TidalMcpError] | None = None
) -> Any:
    """Dispatch ``op`` for ``tool``; errors become ``ToolError`` unless they are ``passthrough``.

    Returns the answer's data (a dict), with ``stale``/``stale_age_s`` set when it came from an expired
    cache entry because TIDAL could not be asked.
    """
    dispatcher = ctx.request_context.lifespan_context.dispatcher
    request_id = uuid.uuid4().hex[:12]

    async def progress(waited: float, message: str) -> None:
        total = dispatcher.wait_timeout
        await ctx.report_progress(min(waited, total), total=total, message=message)

    start = time.perf_counter()
    source = "error"
    with request_context(request_id):
        try:
            answer = await dispatcher.call(op, args, request_id=request_id, progress=progress)
            source = answer.source
        except TidalMcpError as exc:
            metrics.TOOL_CALLS.labels(tool=tool, outcome=exc.code).inc()
            log.info("tool error", extra={"tool": tool, "code": exc.code})
            if passthrough is not None and isinstance(exc, passthrough):
                raise
            raise ToolError(exc.message) from None
        finally:
            metrics.TOOL_SECONDS.labels(tool=tool, source=source).observe(time.perf_counter() - start)
    metrics.TOOL_CALLS.labels(tool=tool, outcome="ok" if source != "stale" else "stale").inc()
    if source == "stale" and isinstance(answer.data, dict):
        return {**answer.data, "stale": True, "stale_age_s": answer.age_s}
    return answer.data


