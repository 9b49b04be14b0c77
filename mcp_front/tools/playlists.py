"""Playlist tools."""

from __future__ import annotations

from mcp.server import MCPServer
from mcp.server.mcpserver import Context

from mcp_front.tools.common import READ_ONLY, PlaylistId, call_op
from shared.models import Playlist


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

    @mcp.tool(name="tidal_get_playlist", title="Get a playlist", annotations=READ_ONLY)
    async def tidal_get_playlist(playlist_id: PlaylistId, ctx: Context) -> Playlist:
        """Get a TIDAL playlist with every track in order (all pages, however long)."""
        args = {"playlist_id": playlist_id.lower()}
        return Playlist.model_validate(await call_op(ctx, "tidal_get_playlist", "playlist.get", args))
