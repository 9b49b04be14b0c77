"""User tools: profiles and public playlists."""

from __future__ import annotations

from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from mcp_front.tools.common import READ_ONLY, Offset, PageLimit, call_op, freshness, page_of
from shared.models import UserPlaylistPage, UserProfile

UserId = Annotated[
    int,
    Field(
        strict=True,
        ge=0,
        le=10**12,
        description="A TIDAL user id (a playlist's creator_id); 0 or omitted: the logged-in user",
    ),
]


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

    @mcp.tool(name="tidal_get_user", title="Get a user's profile", annotations=READ_ONLY)
    async def tidal_get_user(ctx: Context, user_id: UserId = 0) -> UserProfile:
        """A TIDAL user's public profile (name, picture); without `user_id`, the logged-in user's."""
        return UserProfile.model_validate(await call_op(ctx, "tidal_get_user", "user.get", {"user_id": user_id}))

    @mcp.tool(name="tidal_get_user_playlists", title="Get a user's public playlists", annotations=READ_ONLY)
    async def tidal_get_user_playlists(
        ctx: Context, user_id: UserId = 0, offset: Offset = 0, limit: PageLimit = 50
    ) -> UserPlaylistPage:
        """The playlists a TIDAL user has made public, one page at a time; without `user_id`, the logged-in
        user's (their private ones are in tidal_list_playlists)."""
        data = await call_op(ctx, "tidal_get_user_playlists", "user.playlists", {"user_id": user_id})
        return UserPlaylistPage.model_validate(
            {"user_id": data["user_id"], **page_of(data["items"], offset, limit), **freshness(data)}
        )
