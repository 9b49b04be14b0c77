"""MCP prompts for the jobs people do with a TIDAL library: each a short plan written around our tools.

``prompts/get`` for a name that is not declared is an invalid-params error (-32602, "Unknown prompt:
NAME"), as the spec says; the SDK alone answers it as an internal error and logs a traceback.
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp import types
from mcp.server import MCPServer
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.shared.exceptions import MCPError
from pydantic import Field


class UnknownPrompts:
    """Server middleware: refuse ``prompts/get`` for an undeclared prompt with -32602 before the SDK sees it."""

    def __init__(self, mcp: MCPServer) -> None:
        self._mcp = mcp

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if ctx.method == "prompts/get" and ctx.request_id is not None:
            name = (ctx.params or {}).get("name")
            if isinstance(name, str) and name not in {p.name for p in await self._mcp.list_prompts()}:
                raise MCPError(types.INVALID_PARAMS, f"Unknown prompt: {name}")
        return await call_next(ctx)


def register(mcp: MCPServer) -> None:
    """Declare the prompts on ``mcp`` (and answer unknown ones as invalid params)."""
    mcp._lowlevel_server.middleware.append(UnknownPrompts(mcp))

    @mcp.prompt(name="playlist_from_description", title="A playlist from a description")
    def playlist_from_description(
        description: Annotated[str, Field(description='What it should sound like, e.g. "rainy Sunday jazz"')],
        size: Annotated[str, Field(description="How many tracks (default 25)")] = "25",
    ) -> str:
        """Build a new playlist that fits a description."""
        return (
            f"Make me a TIDAL playlist of about {size} tracks for: {description}.\n"
            "1. Think of candidate songs as 'Artist - Title' lines (twice as many as needed) and resolve them all "
            "at once with tidal_match_tracks; keep only confident matches (confidence >= 0.6).\n"
            "2. Use tidal_search for anything you want to explore further; avoid more than 3 tracks per artist.\n"
            "3. Create it with tidal_create_playlist (a fitting title, a one-line description) and the chosen "
            "track ids, then show the final list with tidal_get_playlist."
        )

    @mcp.prompt(name="playlist_review", title="Review a playlist")
    def playlist_review(
        playlist_id: Annotated[str, Field(description="The playlist's uuid (see tidal_list_playlists)")],
    ) -> str:
        """Find duplicates, unavailable tracks and rough transitions in a playlist."""
        return (
            f"Review my TIDAL playlist {playlist_id}.\n"
            "1. Read every track with tidal_get_playlist (follow next_offset).\n"
            "2. Report duplicates (the same track id, or the same ISRC / title and artist twice), tracks not "
            "available in my country, and jarring transitions (tempo/BPM or key jumps, explicit next to clean).\n"
            "3. Propose concrete fixes (what to remove or move, with positions) and apply them only when I agree, "
            "using tidal_remove_tracks / tidal_move_tracks with dry_run first."
        )

    @mcp.prompt(name="discovery_digest", title="A discovery digest from my favorites")
    def discovery_digest(
        kind: Annotated[str, Field(description="Favorites to start from: tracks, albums or artists")] = "tracks",
    ) -> str:
        """New music that fits what the user already favorites."""
        return (
            f"Using my favorite {kind} (tidal_list_favorites, newest first), find what I have been into lately, "
            "then suggest 10 albums and 20 tracks I have not favorited yet, grouped by theme, each with one line "
            "on why it fits. Check every suggestion exists with tidal_get_tracks / tidal_get_albums."
        )

    @mcp.prompt(name="library_audit", title="Audit my library")
    def library_audit() -> str:
        """A health check of the user's whole TIDAL library."""
        return (
            "Audit my TIDAL library. Export it with tidal_export_library (poll tidal_get_job until done, page "
            "through the parts), then report: empty or near-duplicate playlists, tracks duplicated across "
            "playlists, favorites that are no longer available, folders worth merging, and the 5 changes that "
            "would help most. Change nothing without asking."
        )
