"""Favorites tools: list every favorite of a kind, add many, remove many."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from mcp_front.tools.common import READ_ONLY, DryRun, Limit, Offset, call_op, changes, freshness, page_of
from shared.models import FavoriteList, FavoritesChange, FavoritesPage

Kind = Annotated[
    Literal["tracks", "albums", "artists", "playlists", "videos", "mixes"], Field(description="Which favorites")
]
Ids = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=64)]],
    Field(
        min_length=1,
        max_length=1000,
        description="Ids of that kind: numbers for tracks, albums, artists and videos; uuids for playlists; mix ids",
    ),
]
_SHAPE = {
    "playlists": re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$"),
    "mixes": re.compile(r"^[0-9a-zA-Z]{1,64}$"),
}
_NUMBER = re.compile(r"^[1-9][0-9]{0,11}$")


def _checked(kind: str, ids: list[str]) -> list[str]:
    shape = _SHAPE.get(kind, _NUMBER)
    bad = [i for i in ids if not shape.match(i.strip())]
    if bad:
        raise ToolError(
            f"Not {kind} ids: {', '.join(bad[:10])}. "
            + (
                "Playlists are named by uuid."
                if kind == "playlists"
                else "Mix ids are letters and digits."
                if kind == "mixes"
                else "These ids are numbers."
            )
        )
    cleaned = [i.strip().lower() if kind == "playlists" else i.strip() for i in ids]
    return list(dict.fromkeys(cleaned))


def register(mcp: MCPServer, writes: bool = True) -> None:
    """Declare this area's tools on ``mcp`` (without the ones that change the account unless ``writes``)."""

    @mcp.tool(name="tidal_list_favorites", title="List my favorites", annotations=READ_ONLY)
    async def tidal_list_favorites(
        kind: Kind,
        ctx: Context,
        order: Annotated[Literal["newest", "oldest", "name"], Field(description="Sort order")] = "newest",
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> FavoritesPage:
        """List the user's favorite tracks, albums, artists, playlists, videos or mixes: every page TIDAL
        has is read, `total` counts them all; page with `offset` / `next_offset`."""
        data = await call_op(ctx, "tidal_list_favorites", "favorites.list", {"kind": kind, "order": order})
        listing = FavoriteList.model_validate(data)
        return FavoritesPage.model_validate(
            {
                **page_of(listing.items, offset, limit),
                "kind": kind,
                "order": order,
                "hidden": listing.hidden,
                **freshness(data),
            }
        )

    if not writes:
        return

    @mcp.tool(
        name="tidal_add_favorites", title="Add favorites", annotations=changes(destructive=False, idempotent=True)
    )
    async def tidal_add_favorites(kind: Kind, ids: Ids, ctx: Context) -> FavoritesChange:
        """Add tracks, albums, artists, playlists, videos or mixes to the user's favorites (up to 1,000).
        Ids already favorites are reported as `unchanged`, unknown ones as `not_found`."""
        args = {"kind": kind, "ids": _checked(kind, ids)}
        return FavoritesChange.model_validate(await call_op(ctx, "tidal_add_favorites", "favorites.add", args))

    @mcp.tool(
        name="tidal_remove_favorites", title="Remove favorites", annotations=changes(destructive=True, idempotent=True)
    )
    async def tidal_remove_favorites(kind: Kind, ids: Ids, ctx: Context, dry_run: DryRun = False) -> FavoritesChange:
        """Remove favorites (up to 1,000); ids that are not favorites are reported as `unchanged`. The
        answer lists every removed id, so tidal_add_favorites can put them back."""
        args = {"kind": kind, "ids": _checked(kind, ids), "dry_run": dry_run}
        return FavoritesChange.model_validate(await call_op(ctx, "tidal_remove_favorites", "favorites.remove", args))
