"""Stream tools: playable URLs or manifests for tracks and videos, and playback info without them.

Resolution runs on the fast lane (``tidal-stream``, served before reads, writes and batches), and each
(track, quality) answer is cached until ``TIDAL_MCP_STREAM_MIN_LIFETIME`` seconds before its URLs
expire, never served stale. URLs and manifests are credentials for the account: never logged.
"""

from __future__ import annotations

from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from mcp_front.tools.batch import PAGE, PageSize, run_batch
from mcp_front.tools.common import READ_ONLY, AlbumId, PlaylistId, TrackId, call_op
from shared.catalog.batch import STREAMS
from shared.models import PlaybackInfo, Stream, StreamBatchAnswer, VideoStream
from shared.models.streams import AudioQuality, VideoQuality

MAX_STREAMS = 500
VideoId = Annotated[int, Field(strict=True, ge=1, le=10**12, description="TIDAL video id")]
Quality = Annotated[
    AudioQuality | None,
    Field(description="LOW, HIGH, LOSSLESS or HI_RES_LOSSLESS; omitted: the best the track and the subscription allow"),
]


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

    @mcp.tool(name="tidal_get_stream", title="Get a playable stream", annotations=READ_ONLY)
    async def tidal_get_stream(track_id: TrackId, ctx: Context, quality: Quality = None) -> Stream:
        """A track's playable stream: direct URLs (BTS) or the DASH manifest and its segment template,
        with codec, sample rate, bit depth and the quality TIDAL granted (and why, when lower than asked).
        The URLs are temporary credentials for this account: play them, do not share them."""
        args = {"track_id": track_id, "quality": quality or "BEST"}
        return Stream.model_validate(await call_op(ctx, "tidal_get_stream", "stream.get", args))

    @mcp.tool(name="tidal_get_playback_info", title="Get playback info", annotations=READ_ONLY)
    async def tidal_get_playback_info(track_id: TrackId, ctx: Context, quality: Quality = None) -> PlaybackInfo:
        """What TIDAL would play for a track at a quality: the granted quality (and why, when lower),
        codec, sample rate, bit depth, DASH or direct, encryption; without any URL."""
        args = {"track_id": track_id, "quality": quality or "BEST"}
        data = await call_op(ctx, "tidal_get_playback_info", "stream.get", args)
        return PlaybackInfo.model_validate(data)  # the URLs and manifest are dropped here

    @mcp.tool(name="tidal_get_video_stream", title="Get a playable video stream", annotations=READ_ONLY)
    async def tidal_get_video_stream(
        video_id: VideoId,
        ctx: Context,
        quality: Annotated[VideoQuality, Field(description="LOW, MEDIUM or HIGH")] = "HIGH",
    ) -> VideoStream:
        """A video's HLS master playlist URL at a quality (or the best below it). Temporary: play it, do
        not share it."""
        args = {"video_id": video_id, "quality": quality}
        return VideoStream.model_validate(await call_op(ctx, "tidal_get_video_stream", "video_stream.get", args))

    @mcp.tool(name="tidal_get_streams", title="Get playable streams of many tracks", annotations=READ_ONLY)
    async def tidal_get_streams(
        ctx: Context,
        track_ids: Annotated[
            list[TrackId], Field(max_length=MAX_STREAMS, description=f"Up to {MAX_STREAMS} track ids")
        ] = [],  # noqa: B006
        album_id: Annotated[AlbumId | None, Field(description="Every track of this album")] = None,
        playlist_id: Annotated[PlaylistId | None, Field(description="Every track of this playlist")] = None,
        quality: Quality = None,
        limit: PageSize = PAGE,
    ) -> StreamBatchAnswer:
        """Streams for up to 500 tracks (given, or every track of an album or playlist), resolved across
        the pool; a long one answers with a job_id (tidal_get_job). Ids are "<track id>:<quality>"."""
        ids = list(track_ids)
        if album_id is not None:
            album = await call_op(ctx, "tidal_get_streams", "album.get", {"album_id": album_id})
            ids += [t["id"] for t in album["tracks"]]
        if playlist_id is not None:
            playlist = await call_op(ctx, "tidal_get_streams", "playlist.get", {"playlist_id": playlist_id.lower()})
            ids += [t["id"] for t in playlist["tracks"]]
        ids = list(dict.fromkeys(ids))
        if not ids:
            raise ToolError("Give track_ids, an album_id or a playlist_id.")
        if len(ids) > MAX_STREAMS:
            raise ToolError(f"That is {len(ids)} tracks; at most {MAX_STREAMS} per call (page the playlist).")
        values = [f"{t}:{quality or 'BEST'}" for t in ids]
        return StreamBatchAnswer.model_validate(await run_batch(ctx, STREAMS, values, limit))
