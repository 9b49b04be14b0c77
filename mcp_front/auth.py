"""Optional bearer-token protection of the HTTP endpoint (``TIDAL_MCP_AUTH_TOKEN``).

The MCP SDK's resource-server support does the HTTP part (401 with ``WWW-Authenticate`` and the
RFC 9728 metadata document); this module only says which token is valid. ``/health``, ``/ready``
and ``/metrics`` stay open, and stdio needs no token (the client started the process itself).

Example::

    curl -H "Authorization: Bearer $TIDAL_MCP_AUTH_TOKEN" http://127.0.0.1:8000/mcp ...
"""

from __future__ import annotations

import hmac
from typing import Any

from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings

from shared.settings import Settings


class StaticTokenVerifier:
    """Accepts exactly one token (compared in constant time)."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def verify_token(self, token: str) -> AccessToken | None:
        if hmac.compare_digest(token.encode(), self._token.encode()):
            return AccessToken(token=token, client_id="tidal-mcp-client", scopes=[])
        return None


def auth_options(settings: Settings) -> dict[str, Any]:
    """``MCPServer`` keyword arguments that require the token, or nothing when none is set."""
    if not settings.auth_token:
        return {}
    url = f"http://{settings.host}:{settings.port}"
    return {
        "token_verifier": StaticTokenVerifier(settings.auth_token),
        "auth": AuthSettings(issuer_url=url, resource_server_url=f"{url}/mcp", validate_token_resource=False),
    }
