"""Track tools."""

from __future__ import annotations

from mcp.server import MCPServer
from mcp.server.mcpserver import Context

from mcp_front.tools.common import READ_ONLY, TrackId, call_op
from shared.models import TrackResult


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

    @mcp.tool(name="tidal_get_track", title="Get a track", annotations=READ_ONLY)
    async def tidal_get_track(track_id: TrackId, ctx: Context) -> TrackResult:
        """Get one TIDAL track: title, artists, album, duration, ISRC, audio quality, BPM, key."""
        return TrackResult.model_validate(await call_op(ctx, "tidal_get_track", "track.get", {"track_id": track_id}))
