"""The MCP tools, one module per TIDAL area: typed, bounded arguments; annotations; structured output.

Each tool is a thin declaration over :meth:`mcp_front.dispatch.Dispatcher.call`: its signature is
the input schema, its return model (from :mod:`shared.models`) the output schema. Errors the model
should read are raised as ``ToolError`` with an actionable message. Areas mirror
``workers/jobs/<area>.py`` and ``shared/models/<area>.py`` (DESIGN §7).
"""

from __future__ import annotations

from mcp.server import MCPServer

from mcp_front.tools import albums, artists, auth, playlists, search, tracks

AREAS = (search, tracks, albums, artists, playlists, auth)


def register_tools(mcp: MCPServer) -> None:
    """Declare every tool on ``mcp``."""
    for area in AREAS:
        area.register(mcp)
