"""Discovery tools: TIDAL's pages (home, explore, for-you, hi-res, videos, the user's mixes), genres, moods."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from mcp_front.tools.common import READ_ONLY, Offset, PageLimit, call_op, freshness, page_of
from shared.models import DiscoveryPage, GenrePage

PageName = Annotated[
    Literal["home", "explore", "for_you", "hires", "videos", "my_mixes", "genres", "local_genres", "moods"],
    Field(
        description="home, explore, for_you (personal picks), hires (Hi-Res), videos, "
        "my_mixes (the user's daily and personal mixes), genres, local_genres, moods"
    ),
]
PagePath = Annotated[
    str,
    Field(
        max_length=200,
        pattern=r"^pages/[A-Za-z0-9_/-]+(\?[A-Za-z]+=[A-Za-z0-9_-]+)?$",
        description="A page's API path: the id of a row of kind page, a value of `more`, "
        "or e.g. pages/artist?artistId=3042905",
    ),
]
Path = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_&.-]+$",
        description="A path from tidal_list_genres / tidal_list_moods, e.g. Pop",
    ),
]


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

    async def rows(
        ctx: Context, tool: str, op: str, args: dict, offset: int, limit: int, module: str | None = None
    ) -> DiscoveryPage:
        data = await call_op(ctx, tool, op, args)
        modules = list(dict.fromkeys(row["module"] for row in data["items"]))
        chosen = [row for row in data["items"] if module is None or row["module"].lower() == module.lower()]
        if module is not None and not chosen:
            raise ToolError(f"This page has no row titled {module!r}; its rows are: {', '.join(modules) or 'none'}.")
        return DiscoveryPage.model_validate(
            {
                "page": data["page"],
                "title": data["title"],
                "modules": modules,
                "more": data.get("more") or {},
                **page_of(chosen, offset, limit),
                **freshness(data),
            }
        )

    @mcp.tool(name="tidal_get_page", title="Browse a TIDAL page", annotations=READ_ONLY)
    async def tidal_get_page(
        page: PageName,
        ctx: Context,
        module: Annotated[
            str | None, Field(max_length=200, description="Only the items of this row (a title from `modules`)")
        ] = None,
        offset: Offset = 0,
        limit: PageLimit = 50,
    ) -> DiscoveryPage:
        """What TIDAL shows on one of its pages, as rows of (module, kind, id, name, artists); each `kind`
        says which tool opens the item, e.g. page="for_you" then tidal_get_mix on a row of kind mix."""
        return await rows(ctx, "tidal_get_page", "page.get", {"page": page}, offset, limit, module)

    @mcp.tool(name="tidal_open_page", title="Open a TIDAL page by path", annotations=READ_ONLY)
    async def tidal_open_page(
        path: PagePath,
        ctx: Context,
        module: Annotated[str | None, Field(max_length=200, description="Only the items of this row")] = None,
        offset: Offset = 0,
        limit: PageLimit = 50,
    ) -> DiscoveryPage:
        """Open any TIDAL page by its path, as rows: a row of kind page, the whole list behind a row's
        `more` link, or an artist's or album's page (pages/artist?artistId=..., pages/album?albumId=...)."""
        return await rows(ctx, "tidal_open_page", "page.open", {"path": path}, offset, limit, module)

    @mcp.tool(name="tidal_list_genres", title="List genres", annotations=READ_ONLY)
    async def tidal_list_genres(ctx: Context, offset: Offset = 0, limit: PageLimit = 100) -> GenrePage:
        """TIDAL's genres: each `path` is what tidal_get_genre_items takes, `has` what it lists."""
        data = await call_op(ctx, "tidal_list_genres", "genre.list", {"of": "genres"})
        return GenrePage.model_validate({**page_of(data["items"], offset, limit), **freshness(data)})

    @mcp.tool(name="tidal_list_moods", title="List moods and activities", annotations=READ_ONLY)
    async def tidal_list_moods(ctx: Context, offset: Offset = 0, limit: PageLimit = 100) -> GenrePage:
        """TIDAL's moods and activities (party, focus, workout ...): each `path` is what
        tidal_get_mood_playlists takes."""
        data = await call_op(ctx, "tidal_list_moods", "genre.list", {"of": "moods"})
        return GenrePage.model_validate({**page_of(data["items"], offset, limit), **freshness(data)})

    @mcp.tool(name="tidal_get_genre_items", title="Browse a genre", annotations=READ_ONLY)
    async def tidal_get_genre_items(
        path: Path,
        ctx: Context,
        kind: Annotated[
            Literal["tracks", "albums", "artists", "playlists", "videos"], Field(description="What to list")
        ] = "playlists",
        offset: Offset = 0,
        limit: PageLimit = 50,
    ) -> DiscoveryPage:
        """A genre's playlists, tracks, albums, artists or videos, most popular first (up to 500),
        e.g. path="Pop", kind="albums"."""
        return await rows(
            ctx, "tidal_get_genre_items", "genre.items", {"of": "genres", "path": path, "kind": kind}, offset, limit
        )

    @mcp.tool(name="tidal_get_mood_playlists", title="Browse a mood", annotations=READ_ONLY)
    async def tidal_get_mood_playlists(
        path: Path, ctx: Context, offset: Offset = 0, limit: PageLimit = 50
    ) -> DiscoveryPage:
        """The playlists TIDAL lists for a mood or activity (a path from tidal_list_moods)."""
        return await rows(
            ctx,
            "tidal_get_mood_playlists",
            "genre.items",
            {"of": "moods", "path": path, "kind": "playlists"},
            offset,
            limit,
        )
