"""The MCP tools, one module per TIDAL area: typed, bounded arguments; annotations; structured output.

Each tool is a thin declaration over :meth:`mcp_front.dispatch.Dispatcher.call`: its signature is
the input schema, its return model (from :mod:`shared.models`) the output schema. Errors the model
should read are raised as ``ToolError`` with an actionable message. Areas mirror
``workers/jobs/<area>.py`` and ``shared/models/<area>.py`` (DESIGN §7).
"""

from __future__ import annotations

from mcp.server import MCPServer

from mcp_front.tools import (
    albums,
    artists,
    auth,
    batch,
    discovery,
    exports,
    favorites,
    folders,
    jobs,
    mixes,
    playlists,
    recommend,
    search,
    streams,
    tracks,
    users,
)

AREAS = (
    search,
    tracks,
    albums,
    artists,
    mixes,
    discovery,
    recommend,
    users,
    streams,
    batch,
    jobs,
    exports,
    playlists,
    folders,
    favorites,
    auth,
)
WRITING_AREAS = (playlists, folders, favorites)


def register_tools(mcp: MCPServer, *, read_only: bool = False) -> None:
    """Declare every tool on ``mcp``; with ``read_only``, none of those that change the account."""
    for area in AREAS:
        if area in WRITING_AREAS:
            area.register(mcp, writes=not read_only)
        else:
            area.register(mcp)
