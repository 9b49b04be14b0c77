"""Artist tools."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from mcp_front.tools.common import READ_ONLY, ArtistId, Offset, PageLimit, call_op, paged
from shared.models import AlbumPage, Artist, ArtistPage, Text, TrackPage, VideoPage


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

    @mcp.tool(name="tidal_get_artist", title="Get an artist", annotations=READ_ONLY)
    async def tidal_get_artist(artist_id: ArtistId, ctx: Context) -> Artist:
        """Get a TIDAL artist with their top tracks and albums."""
        return Artist.model_validate(await call_op(ctx, "tidal_get_artist", "artist.get", {"artist_id": artist_id}))

    @mcp.tool(name="tidal_get_artist_albums", title="Get an artist's albums", annotations=READ_ONLY)
    async def tidal_get_artist_albums(
        artist_id: ArtistId,
        ctx: Context,
        kind: Annotated[
            Literal["albums", "eps_singles", "other"],
            Field(description="albums, eps_singles, or other (compilations, appearances)"),
        ] = "albums",
        offset: Offset = 0,
        limit: PageLimit = 50,
    ) -> AlbumPage:
        """An artist's albums of one kind, all of them, one page at a time."""
        return AlbumPage.model_validate(
            await paged(
                ctx, "tidal_get_artist_albums", "artist.albums", {"artist_id": artist_id, "kind": kind}, offset, limit
            )
        )

    @mcp.tool(name="tidal_get_similar_artists", title="Get similar artists", annotations=READ_ONLY)
    async def tidal_get_similar_artists(
        artist_id: ArtistId, ctx: Context, offset: Offset = 0, limit: PageLimit = 50
    ) -> ArtistPage:
        """Artists TIDAL considers similar (an empty page when it knows none)."""
        return ArtistPage.model_validate(
            await paged(ctx, "tidal_get_similar_artists", "artist.similar", {"artist_id": artist_id}, offset, limit)
        )

    @mcp.tool(name="tidal_get_artist_radio", title="Get an artist's radio", annotations=READ_ONLY)
    async def tidal_get_artist_radio(
        artist_id: ArtistId, ctx: Context, offset: Offset = 0, limit: PageLimit = 50
    ) -> TrackPage:
        """Tracks in the spirit of an artist (TIDAL's artist radio, up to 100), one page at a time."""
        return TrackPage.model_validate(
            await paged(ctx, "tidal_get_artist_radio", "artist.radio", {"artist_id": artist_id}, offset, limit)
        )

    @mcp.tool(name="tidal_get_artist_bio", title="Get an artist's biography", annotations=READ_ONLY)
    async def tidal_get_artist_bio(artist_id: ArtistId, ctx: Context) -> Text:
        """An artist's biography as TIDAL shows it (links reduced to their words)."""
        return Text.model_validate(await call_op(ctx, "tidal_get_artist_bio", "artist.bio", {"artist_id": artist_id}))

    @mcp.tool(name="tidal_get_artist_top_tracks", title="Get an artist's top tracks", annotations=READ_ONLY)
    async def tidal_get_artist_top_tracks(
        artist_id: ArtistId, ctx: Context, offset: Offset = 0, limit: PageLimit = 50
    ) -> TrackPage:
        """An artist's most popular tracks, best first (up to 300), one page at a time."""
        return TrackPage.model_validate(
            await paged(
                ctx, "tidal_get_artist_top_tracks", "artist.top_tracks", {"artist_id": artist_id}, offset, limit
            )
        )

    @mcp.tool(name="tidal_get_artist_videos", title="Get an artist's videos", annotations=READ_ONLY)
    async def tidal_get_artist_videos(
        artist_id: ArtistId, ctx: Context, offset: Offset = 0, limit: PageLimit = 50
    ) -> VideoPage:
        """An artist's music videos (an empty page when there are none), one page at a time."""
        return VideoPage.model_validate(
            await paged(ctx, "tidal_get_artist_videos", "artist.videos", {"artist_id": artist_id}, offset, limit)
        )
