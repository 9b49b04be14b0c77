"""Album tools."""

from __future__ import annotations

from mcp.server import MCPServer
from mcp.server.mcpserver import Context

from mcp_front.tools.common import READ_ONLY, AlbumId, call_op
from shared.models import Album


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

    @mcp.tool(name="tidal_get_album", title="Get an album", annotations=READ_ONLY)
    async def tidal_get_album(album_id: AlbumId, ctx: Context) -> Album:
        """Get a TIDAL album with every one of its tracks."""
        return Album.model_validate(await call_op(ctx, "tidal_get_album", "album.get", {"album_id": album_id}))
