"""The MCP tools: typed, bounded arguments; annotations; structured output.

Each tool is a thin declaration over :meth:`mcp_front.dispatch.Dispatcher.call`: its signature is
the input schema, its return model (from :mod:`shared.models`) the output schema. Errors the model
should read are raised as ``ToolError`` with an actionable message.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Annotated, Any, Literal

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from mcp_front.examples import EXAMPLE_ALBUM_ID, EXAMPLE_ARTIST_ID, EXAMPLE_PLAYLIST_UUID, EXAMPLE_TRACK_ID
from shared import metrics
from shared.errors import NotLoggedIn, TidalMcpError
from shared.logs import request_context
from shared.models import Album, Artist, AuthStatus, Playlist, SearchResult, TrackResult

log = logging.getLogger(__name__)

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True)

SearchType = Literal["tracks", "albums", "artists", "playlists"]
ALL_TYPES: list[SearchType] = ["tracks", "albums", "artists", "playlists"]

# strict: JSON true, 1.5 or "42" are not ids or counts (pydantic would coerce them otherwise)
TrackId = Annotated[int, Field(strict=True, ge=1, le=10**12, description=f"TIDAL track id, e.g. {EXAMPLE_TRACK_ID}")]
AlbumId = Annotated[int, Field(strict=True, ge=1, le=10**12, description=f"TIDAL album id, e.g. {EXAMPLE_ALBUM_ID}")]
ArtistId = Annotated[int, Field(strict=True, ge=1, le=10**12,
                                description=f"TIDAL artist id, e.g. {EXAMPLE_ARTIST_ID}")]
PlaylistId = Annotated[
    str,
    Field(
        pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        description=f"TIDAL playlist UUID, e.g. {EXAMPLE_PLAYLIST_UUID}",
    ),
]


async def _call(
    ctx: Context, tool: str, op: str, args: dict[str, Any], passthrough: type[TidalMcpError] | None = None
) -> Any:
    """Dispatch ``op`` for ``tool``; errors become ``ToolError`` unless they are ``passthrough``.

    Returns the answer's data (a dict), with ``stale``/``stale_age_s`` set when it came from an expired
    cache entry because TIDAL could not be asked.
    """
    dispatcher = ctx.request_context.lifespan_context.dispatcher
    request_id = uuid.uuid4().hex[:12]

    async def progress(waited: float, message: str) -> None:
        total = dispatcher.wait_timeout
        await ctx.report_progress(min(waited, total), total=total, message=message)

    start = time.perf_counter()
    source = "error"
    with request_context(request_id):
        try:
            answer = await dispatcher.call(op, args, request_id=request_id, progress=progress)
            source = answer.source
        except TidalMcpError as exc:
            metrics.TOOL_CALLS.labels(tool=tool, outcome=exc.code).inc()
            log.info("tool error", extra={"tool": tool, "code": exc.code})
            if passthrough is not None and isinstance(exc, passthrough):
                raise
            raise ToolError(exc.message) from None
        finally:
            metrics.TOOL_SECONDS.labels(tool=tool, source=source).observe(time.perf_counter() - start)
    metrics.TOOL_CALLS.labels(tool=tool, outcome="ok" if source != "stale" else "stale").inc()
    if source == "stale" and isinstance(answer.data, dict):
        return {**answer.data, "stale": True, "stale_age_s": answer.age_s}
    return answer.data


def register_tools(mcp: MCPServer) -> None:
    """Declare every tool on ``mcp``."""

    @mcp.tool(name="tidal_search", title="Search TIDAL", annotations=READ_ONLY)
    async def tidal_search(
        query: Annotated[str, Field(min_length=1, max_length=200, description="Words to search for")],
        ctx: Context,
        types: Annotated[
            list[SearchType], Field(min_length=1, max_length=4, description="Which kinds of results to return")
        ] = ALL_TYPES,
        limit: Annotated[int, Field(strict=True, ge=1, le=50, description="Results per type")] = 10,
        offset: Annotated[int, Field(strict=True, ge=0, le=1000, description="Results to skip per type (paging)")] = 0,
    ) -> SearchResult:
        """Search the TIDAL catalog for tracks, albums, artists and playlists.

        Returns one page per requested type plus TIDAL's top hit. Page with `offset`.
        """
        normalized = " ".join(query.split())
        if not normalized:
            raise ToolError("The query is empty; give some words to search for.")
        args = {"query": normalized, "types": sorted(set(types)), "limit": limit, "offset": offset}
        return SearchResult.model_validate(await _call(ctx, "tidal_search", "search", args))

    @mcp.tool(name="tidal_get_track", title="Get a track", annotations=READ_ONLY)
    async def tidal_get_track(track_id: TrackId, ctx: Context) -> TrackResult:
        """Get one TIDAL track: title, artists, album, duration, ISRC, audio quality, BPM, key."""
        return TrackResult.model_validate(await _call(ctx, "tidal_get_track", "track.get", {"track_id": track_id}))

    @mcp.tool(name="tidal_get_album", title="Get an album", annotations=READ_ONLY)
    async def tidal_get_album(album_id: AlbumId, ctx: Context) -> Album:
        """Get a TIDAL album with every one of its tracks."""
        return Album.model_validate(await _call(ctx, "tidal_get_album", "album.get", {"album_id": album_id}))

    @mcp.tool(name="tidal_get_artist", title="Get an artist", annotations=READ_ONLY)
    async def tidal_get_artist(artist_id: ArtistId, ctx: Context) -> Artist:
        """Get a TIDAL artist with their top tracks and albums."""
        return Artist.model_validate(await _call(ctx, "tidal_get_artist", "artist.get", {"artist_id": artist_id}))

    @mcp.tool(name="tidal_get_playlist", title="Get a playlist", annotations=READ_ONLY)
    async def tidal_get_playlist(playlist_id: PlaylistId, ctx: Context) -> Playlist:
        """Get a TIDAL playlist with every track in order (all pages, however long)."""
        args = {"playlist_id": playlist_id.lower()}
        return Playlist.model_validate(await _call(ctx, "tidal_get_playlist", "playlist.get", args))

    @mcp.tool(name="tidal_auth_status", title="TIDAL login status", annotations=READ_ONLY)
    async def tidal_auth_status(ctx: Context) -> AuthStatus:
        """Tell whether the server holds a working TIDAL login, for which user and country."""
        try:
            data = await _call(ctx, "tidal_auth_status", "auth.status", {}, passthrough=NotLoggedIn)
        except NotLoggedIn as exc:
            return AuthStatus(logged_in=False, message=exc.message)
        return AuthStatus.model_validate(data)
