"""Mix and video tools."""

from __future__ import annotations

from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from mcp_front.tools.common import READ_ONLY, Offset, PageLimit, call_op, freshness, page_of
from shared.models import MixPage, Video

MixId = Annotated[
    str, Field(pattern=r"^[0-9a-zA-Z]{10,64}$", description="A mix id (from a track, an artist, or the user's mixes)")
]
VideoId = Annotated[int, Field(strict=True, ge=1, le=10**12, description="TIDAL video id")]


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

    @mcp.tool(name="tidal_get_mix", title="Get a mix", annotations=READ_ONLY)
    async def tidal_get_mix(mix_id: MixId, ctx: Context, offset: Offset = 0, limit: PageLimit = 50) -> MixPage:
        """A mix's tracks in order (every page is read and cached; this hands out one) and its videos."""
        data = await call_op(ctx, "tidal_get_mix", "mix.get", {"mix_id": mix_id})
        return MixPage.model_validate(
            {"id": data["id"], **page_of(data["tracks"], offset, limit), "videos": data["videos"], **freshness(data)}
        )

    @mcp.tool(name="tidal_get_video", title="Get a video", annotations=READ_ONLY)
    async def tidal_get_video(video_id: VideoId, ctx: Context) -> Video:
        """One TIDAL music video: title, artists, duration, best quality."""
        return Video.model_validate(await call_op(ctx, "tidal_get_video", "video.get", {"video_id": video_id}))
