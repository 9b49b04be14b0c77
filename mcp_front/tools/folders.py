"""Folder tools: list, create, rename, delete, move playlists in and out."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from mcp_front.tools.common import READ_ONLY, DryRun, FolderId, PlaylistId, call_op, changes, freshness
from shared.models import FolderChange, FolderList, Library

FolderName = Annotated[str, Field(min_length=1, max_length=200, description="The folder's name")]
PlaylistIds = Annotated[list[PlaylistId], Field(min_length=1, max_length=100)]


def register(mcp: MCPServer, writes: bool = True) -> None:
    """Declare this area's tools on ``mcp`` (without the ones that change the account unless ``writes``)."""

    @mcp.tool(name="tidal_list_folders", title="List my playlist folders", annotations=READ_ONLY)
    async def tidal_list_folders(ctx: Context) -> FolderList:
        """List every folder of the user's playlists (with its path and what it holds).
        tidal_list_playlists with `folder_id` lists a folder's playlists."""
        data = await call_op(ctx, "tidal_list_folders", "playlists.library", {})
        folders = Library.model_validate(data).folders
        return FolderList.model_validate({"total": len(folders), "folders": folders, **freshness(data)})

    if not writes:
        return

    async def write(ctx: Context, tool: str, op: str, args: dict[str, Any]) -> FolderChange:
        data = await call_op(ctx, tool, op, {k: v for k, v in args.items() if v is not None})
        return FolderChange.model_validate(data)

    @mcp.tool(
        name="tidal_create_folder",
        title="Create a playlist folder",
        annotations=changes(destructive=False, idempotent=False),
    )
    async def tidal_create_folder(
        name: FolderName,
        ctx: Context,
        parent_id: Annotated[FolderId | None, Field(description="Create it inside this folder (default: top)")] = None,
        playlist_ids: Annotated[list[PlaylistId], Field(max_length=100, description="Playlists to move into it")] = [],  # noqa: B006 - pydantic copies defaults
    ) -> FolderChange:
        """Create a folder, optionally moving playlists of the library into it."""
        args = {"name": name, "parent_id": parent_id, "playlist_ids": [p.lower() for p in playlist_ids] or None}
        return await write(ctx, "tidal_create_folder", "folder.create", args)

    @mcp.tool(
        name="tidal_rename_folder",
        title="Rename a playlist folder",
        annotations=changes(destructive=False, idempotent=True),
    )
    async def tidal_rename_folder(folder_id: FolderId, name: FolderName, ctx: Context) -> FolderChange:
        """Give a folder a new name."""
        return await write(ctx, "tidal_rename_folder", "folder.rename", {"folder_id": folder_id, "name": name})

    @mcp.tool(
        name="tidal_delete_folder",
        title="Delete a playlist folder",
        annotations=changes(destructive=True, idempotent=True),
    )
    async def tidal_delete_folder(folder_id: FolderId, ctx: Context, dry_run: DryRun = False) -> FolderChange:
        """Delete a folder with its sub-folders. As in TIDAL, the user's own playlists inside are deleted
        (each snapshotted first: tidal_restore_playlist) and favorited ones leave the library. Move
        playlists out first (tidal_move_playlists) to keep them; `dry_run` lists what would go."""
        return await write(ctx, "tidal_delete_folder", "folder.delete", {"folder_id": folder_id, "dry_run": dry_run})

    @mcp.tool(
        name="tidal_move_playlists",
        title="Move playlists into a folder",
        annotations=changes(destructive=False, idempotent=True),
    )
    async def tidal_move_playlists(
        playlist_ids: PlaylistIds,
        ctx: Context,
        folder_id: Annotated[FolderId | None, Field(description="The destination; omit for the top level")] = None,
    ) -> FolderChange:
        """Move playlists of the library (own or favorited) into a folder, or out to the top level."""
        args = {"playlist_ids": list(dict.fromkeys(p.lower() for p in playlist_ids)), "folder_id": folder_id}
        return await write(ctx, "tidal_move_playlists", "folder.move", args)
