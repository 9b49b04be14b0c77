"""Artist tools."""

from __future__ import annotations

from mcp.server import MCPServer
from mcp.server.mcpserver import Context

from mcp_front.tools.common import READ_ONLY, ArtistId, call_op
from shared.models import Artist


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

    @mcp.tool(name="tidal_get_artist", title="Get an artist", annotations=READ_ONLY)
    async def tidal_get_artist(artist_id: ArtistId, ctx: Context) -> Artist:
        """Get a TIDAL artist with their top tracks and albums."""
        return Artist.model_validate(await call_op(ctx, "tidal_get_artist", "artist.get", {"artist_id": artist_id}))
