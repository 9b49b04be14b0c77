"""Album tools."""

from __future__ import annotations

from mcp.server import MCPServer
from mcp.server.mcpserver import Context

from mcp_front.tools.common import READ_ONLY, AlbumId, Offset, PageLimit, call_op, paged
from shared.models import Album, AlbumPage, Text


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

    @mcp.tool(name="tidal_get_album", title="Get an album", annotations=READ_ONLY)
    async def tidal_get_album(album_id: AlbumId, ctx: Context) -> Album:
        """Get a TIDAL album with every one of its tracks."""
        return Album.model_validate(await call_op(ctx, "tidal_get_album", "album.get", {"album_id": album_id}))

    @mcp.tool(name="tidal_get_album_review", title="Get an album's review", annotations=READ_ONLY)
    async def tidal_get_album_review(album_id: AlbumId, ctx: Context) -> Text:
        """The review TIDAL shows for an album (not every album has one)."""
        return Text.model_validate(await call_op(ctx, "tidal_get_album_review", "album.review", {"album_id": album_id}))

    @mcp.tool(name="tidal_get_similar_albums", title="Get similar albums", annotations=READ_ONLY)
    async def tidal_get_similar_albums(album_id: AlbumId, ctx: Context, offset: Offset = 0,
                                       limit: PageLimit = 50) -> AlbumPage:
        """Albums TIDAL considers similar (an empty page when it knows none)."""
        return AlbumPage.model_validate(await paged(ctx, "tidal_get_similar_albums", "album.similar",
                                                    {"album_id": album_id}, offset, limit))
