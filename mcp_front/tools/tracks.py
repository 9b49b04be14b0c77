"""Track tools."""

from __future__ import annotations

from mcp.server import MCPServer
from mcp.server.mcpserver import Context

from mcp_front.tools.common import READ_ONLY, Offset, PageLimit, TrackId, call_op, paged
from shared.models import Lyrics, TrackCredits, TrackPage, TrackResult


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

    @mcp.tool(name="tidal_get_track", title="Get a track", annotations=READ_ONLY)
    async def tidal_get_track(track_id: TrackId, ctx: Context) -> TrackResult:
        """Get one TIDAL track: title, artists, album, duration, ISRC, audio quality, BPM, key."""
        return TrackResult.model_validate(await call_op(ctx, "tidal_get_track", "track.get", {"track_id": track_id}))

    @mcp.tool(name="tidal_get_track_lyrics", title="Get a track's lyrics", annotations=READ_ONLY)
    async def tidal_get_track_lyrics(track_id: TrackId, ctx: Context) -> Lyrics:
        """A track's lyrics: plain text and, where TIDAL has them, time-synced LRC lines."""
        return Lyrics.model_validate(
            await call_op(ctx, "tidal_get_track_lyrics", "track.lyrics", {"track_id": track_id})
        )

    @mcp.tool(name="tidal_get_track_radio", title="Get a track's radio", annotations=READ_ONLY)
    async def tidal_get_track_radio(
        track_id: TrackId, ctx: Context, offset: Offset = 0, limit: PageLimit = 50
    ) -> TrackPage:
        """Tracks in the spirit of this one (TIDAL's track radio, up to 100), one page at a time."""
        return TrackPage.model_validate(
            await paged(ctx, "tidal_get_track_radio", "track.radio", {"track_id": track_id}, offset, limit)
        )

    @mcp.tool(name="tidal_get_track_credits", title="Get a track's credits", annotations=READ_ONLY)
    async def tidal_get_track_credits(track_id: TrackId, ctx: Context) -> TrackCredits:
        """Who wrote, produced, mixed and published a track, grouped by role (empty when TIDAL has none)."""
        return TrackCredits.model_validate(
            await call_op(ctx, "tidal_get_track_credits", "track.credits", {"track_id": track_id})
        )
