"""Album tools."""

from __future__ import annotations

from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from mcp_front.tools.common import READ_ONLY, AlbumId, Offset, PageLimit, call_op, freshness, page_of, paged
from shared.models import AlbumCreditsPage, AlbumPage, AlbumTracksPage, Text

TRACK_PAGE = 1000  # tracks per tidal_get_album answer (box sets run to several hundred)


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

    @mcp.tool(name="tidal_get_album", title="Get an album", annotations=READ_ONLY)
    async def tidal_get_album(
        album_id: AlbumId,
        ctx: Context,
        offset: Offset = 0,
        limit: Annotated[
            int, Field(strict=True, ge=1, le=TRACK_PAGE, description="Tracks in this answer")
        ] = TRACK_PAGE,
    ) -> AlbumTracksPage:
        """Get a TIDAL album with its tracks in order: every page is read (and cached), and up to `limit`
        tracks from `offset` are returned; `next_offset` continues a long box set."""
        data = await call_op(ctx, "tidal_get_album", "album.get", {"album_id": album_id})
        page = page_of(data["tracks"], offset, limit)
        return AlbumTracksPage.model_validate(
            {
                **data,
                "tracks": page["items"],
                "tracks_total": page["total"],
                "offset": offset,
                "has_more": page["has_more"],
                "next_offset": page["next_offset"],
            }
        )

    @mcp.tool(name="tidal_get_album_review", title="Get an album's review", annotations=READ_ONLY)
    async def tidal_get_album_review(album_id: AlbumId, ctx: Context) -> Text:
        """The review TIDAL shows for an album (not every album has one)."""
        return Text.model_validate(await call_op(ctx, "tidal_get_album_review", "album.review", {"album_id": album_id}))

    @mcp.tool(name="tidal_get_similar_albums", title="Get similar albums", annotations=READ_ONLY)
    async def tidal_get_similar_albums(
        album_id: AlbumId, ctx: Context, offset: Offset = 0, limit: PageLimit = 50
    ) -> AlbumPage:
        """Albums TIDAL considers similar (an empty page when it knows none)."""
        return AlbumPage.model_validate(
            await paged(ctx, "tidal_get_similar_albums", "album.similar", {"album_id": album_id}, offset, limit)
        )

    @mcp.tool(name="tidal_get_album_credits", title="Get an album's credits", annotations=READ_ONLY)
    async def tidal_get_album_credits(
        album_id: AlbumId, ctx: Context, offset: Offset = 0, limit: PageLimit = 50
    ) -> AlbumCreditsPage:
        """Credits of an album as a whole (artists, label, producers) and of each of its tracks, one page of
        tracks at a time."""
        data = await call_op(ctx, "tidal_get_album_credits", "album.credits", {"album_id": album_id})
        return AlbumCreditsPage.model_validate(
            {
                "album_id": data["album_id"],
                "credits": data["credits"],
                **page_of(data["items"], offset, limit),
                **freshness(data),
            }
        )
