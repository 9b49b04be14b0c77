"""Stream tools: playable URLs or manifests for tracks and videos, and playback info without them.

Resolution runs on the fast lane (``tidal-stream``, served before reads, writes and batches), and each
(track, quality) answer is cached until ``TIDAL_MCP_STREAM_MIN_LIFETIME`` seconds before its URLs
expire, never served stale. URLs and manifests are credentials for the account: never logged.
"""

from __future__ import annotations

from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from mcp_front.tools.common import READ_ONLY, TrackId, call_op
from shared.models import PlaybackInfo, Stream, VideoStream
from shared.models.streams import AudioQuality, VideoQuality

VideoId = Annotated[int, Field(strict=True, ge=1, le=10**12, description="TIDAL video id")]
Quality = Annotated[AudioQuality, Field(description="LOW, HIGH, LOSSLESS or HI_RES_LOSSLESS (default: the best "
                                                    "the track and the subscription allow)")]


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

    @mcp.tool(name="tidal_get_stream", title="Get a playable stream", annotations=READ_ONLY)
    async def tidal_get_stream(track_id: TrackId, ctx: Context, quality: Quality = "HI_RES_LOSSLESS") -> Stream:
        """A track's playable stream: direct URLs (BTS) or the DASH manifest and its segment template,
        with codec, sample rate, bit depth and the quality TIDAL granted (and why, when lower than asked).
        The URLs are temporary credentials for this account: play them, do not share them."""
        args = {"track_id": track_id, "quality": quality}
        return Stream.model_validate(await call_op(ctx, "tidal_get_stream", "stream.get", args))

    @mcp.tool(name="tidal_get_playback_info", title="Get playback info", annotations=READ_ONLY)
    async def tidal_get_playback_info(track_id: TrackId, ctx: Context,
                                      quality: Quality = "HI_RES_LOSSLESS") -> PlaybackInfo:
        """What TIDAL would play for a track at a quality: the granted quality (and why, when lower),
        codec, sample rate, bit depth, DASH or direct, encryption; without any URL."""
        args = {"track_id": track_id, "quality": quality}
        data = await call_op(ctx, "tidal_get_playback_info", "stream.get", args)
        return PlaybackInfo.model_validate(data)  # the URLs and manifest are dropped here

    @mcp.tool(name="tidal_get_video_stream", title="Get a playable video stream", annotations=READ_ONLY)
    async def tidal_get_video_stream(
        video_id: VideoId, ctx: Context,
        quality: Annotated[VideoQuality, Field(description="LOW, MEDIUM or HIGH")] = "HIGH",
    ) -> VideoStream:
        """A video's HLS master playlist URL at a quality (or the best below it). Temporary: play it, do
        not share it."""
        args = {"video_id": video_id, "quality": quality}
        return VideoStream.model_validate(await call_op(ctx, "tidal_get_video_stream", "video_stream.get", args))
