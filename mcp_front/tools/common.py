"""What every tool module shares: annotations, bounded id types, and the call into the dispatcher."""

from __future__ import annotations

import logging
import time
import uuid
from typing import TYPE_CHECKING, Annotated, Any, cast

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from mcp_front.examples import EXAMPLE_ALBUM_ID, EXAMPLE_ARTIST_ID, EXAMPLE_PLAYLIST_UUID, EXAMPLE_TRACK_ID
from shared import metrics, tracing
from shared.errors import TidalMcpError
from shared.logs import request_context

if TYPE_CHECKING:
    from mcp_front.server import FrontState

log = logging.getLogger(__name__)

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True)


def changes(*, destructive: bool, idempotent: bool) -> ToolAnnotations:
    """Annotations of a tool that changes the account (hidden when TIDAL_MCP_READ_ONLY is set)."""
    return ToolAnnotations(
        read_only_hint=False, destructive_hint=destructive, idempotent_hint=idempotent, open_world_hint=True
    )


# strict: JSON true, 1.5 or "42" are not ids or counts (pydantic would coerce them otherwise)
TrackId = Annotated[int, Field(strict=True, ge=1, le=10**12, description=f"TIDAL track id, e.g. {EXAMPLE_TRACK_ID}")]
AlbumId = Annotated[int, Field(strict=True, ge=1, le=10**12, description=f"TIDAL album id, e.g. {EXAMPLE_ALBUM_ID}")]
ArtistId = Annotated[int, Field(strict=True, ge=1, le=10**12, description=f"TIDAL artist id, e.g. {EXAMPLE_ARTIST_ID}")]
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
FolderId = Annotated[
    str,
    Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="A folder id from tidal_list_folders"),
]
Isrc = Annotated[
    str, Field(pattern=r"^[A-Za-z]{2}[A-Za-z0-9]{3}[0-9]{7}$", description="An ISRC, 12 characters, e.g. USWB11506516")
]
Title = Annotated[str, Field(min_length=1, max_length=200, description="A title")]
Description = Annotated[str, Field(max_length=2000, description="A description (may be empty)")]
DryRun = Annotated[bool, Field(strict=True, description="Only report the exact change, without making it")]
Limit = Annotated[int, Field(strict=True, ge=1, le=500, description="Items per page")]
Offset = Annotated[int, Field(strict=True, ge=0, le=1_000_000, description="Items to skip (paging)")]
PageLimit = Annotated[int, Field(strict=True, ge=1, le=100, description="Items per page")]
PlaylistId = Annotated[
    str,
    Field(
        pattern=UUID_PATTERN,
        description=f"TIDAL playlist UUID, e.g. {EXAMPLE_PLAYLIST_UUID}",
    ),
]


def front_state(ctx: Context) -> FrontState:
    """The front's shared state: the SDK types a lifespan context as a dict, ours is a FrontState."""
    return cast("FrontState", ctx.request_context.lifespan_context)


async def call_op(
    ctx: Context, tool: str, op: str, args: dict[str, Any], passthrough: type[TidalMcpError] | None = None
) -> Any:
    """Dispatch ``op`` for ``tool``; errors become ``ToolError`` unless they are ``passthrough``.

    Returns the answer's data (a dict), with ``stale``/``stale_age_s`` set when it came from an expired
    cache entry because TIDAL could not be asked.
    """
    dispatcher = front_state(ctx).dispatcher
    request_id = uuid.uuid4().hex[:12]

    async def progress(waited: float, message: str) -> None:
        total = dispatcher.wait_timeout
        await ctx.report_progress(min(waited, total), total=total, message=message)

    start = time.perf_counter()
    source = "error"
    with request_context(request_id), tracing.tool_span(op) as current:
        try:
            answer = await dispatcher.call(op, args, request_id=request_id, progress=progress)
            source = answer.source
            tracing.set_attribute(current, "tidal_mcp.source", source)
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


def page_of(items: list[Any], offset: int, limit: int) -> dict[str, Any]:
    """One page of a complete list: the items and ``total``/``offset``/``limit``/``has_more``/``next_offset``."""
    chosen = items[offset : offset + limit]
    more = offset + len(chosen) < len(items)
    return {
        "total": len(items),
        "offset": offset,
        "limit": limit,
        "has_more": more,
        "next_offset": offset + len(chosen) if more else None,
        "items": chosen,
    }


async def paged(ctx: Context, tool: str, op: str, args: dict[str, Any], offset: int, limit: int) -> dict[str, Any]:
    """Run a read that answers a whole list (``{"items": [...]}``, cached whole) and hand out one page."""
    data = await call_op(ctx, tool, op, args)
    return {**page_of(data["items"], offset, limit), **freshness(data)}


def freshness(data: dict[str, Any]) -> dict[str, Any]:
    """The stale flags of an answer, to carry over onto a result built from it."""
    return {key: data[key] for key in ("stale", "stale_age_s") if key in data}
