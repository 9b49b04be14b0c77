"""Search tools."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from mcp_front.tools.common import READ_ONLY, call_op
from shared.models import SearchResult

SearchType = Literal["tracks", "albums", "artists", "playlists"]
ALL_TYPES: list[SearchType] = ["tracks", "albums", "artists", "playlists"]


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

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
        return SearchResult.model_validate(await call_op(ctx, "tidal_search", "search", args))
