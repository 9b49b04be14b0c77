"""Login status tools."""

from __future__ import annotations

from mcp.server import MCPServer
from mcp.server.mcpserver import Context

from mcp_front.tools.common import READ_ONLY, call_op
from shared.errors import NotLoggedIn
from shared.models import AuthStatus


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

    @mcp.tool(name="tidal_auth_status", title="TIDAL login status", annotations=READ_ONLY)
    async def tidal_auth_status(ctx: Context) -> AuthStatus:
        """Tell whether the server holds a working TIDAL login, for which user and country."""
        try:
            data = await call_op(ctx, "tidal_auth_status", "auth.status", {}, passthrough=NotLoggedIn)
        except NotLoggedIn as exc:
            return AuthStatus(logged_in=False, message=exc.message)
        return AuthStatus.model_validate(data)
