"""Playlist tools: read, list the library, create/copy/edit/delete, change items, snapshots and restore.

Every write runs on the ``tidal-write`` queue, one at a time per playlist across the pool, and is
safe to rerun (see ``workers/playlist_writer.py``). Destructive tools take ``dry_run`` and keep a
snapshot of what they destroy for 8 days.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from mcp_front.tools.common import (
    READ_ONLY,
    Description,
    DryRun,
    FolderId,
    Isrc,
    Limit,
    Offset,
    PlaylistId,
    Title,
    TrackId,
    call_op,
    changes,
    freshness,
    front_state,
    page_of,
)
from shared import snapshots
from shared.models import (
    Deleted,
    Library,
    PlaylistChange,
    PlaylistInfo,
    PlaylistPage,
    PlaylistTracksPage,
    SnapshotList,
)

MAX_TRACKS = 5000  # per call; a longer list is refused by the input schema
TRACK_PAGE = 1000  # tracks per tidal_get_playlist answer
MAX_ISRCS = 1000

TrackIds = Annotated[list[TrackId], Field(max_length=MAX_TRACKS, description=f"Track ids (at most {MAX_TRACKS})")]
Isrcs = Annotated[list[Isrc], Field(max_length=MAX_ISRCS, description=f"ISRCs (at most {MAX_ISRCS})")]
Indices = Annotated[
    list[Annotated[int, Field(strict=True, ge=0, le=100_000)]],
    Field(max_length=MAX_TRACKS, description="0-based positions in the playlist as it is now"),
]
Position = Annotated[
    int,
    Field(
        strict=True, ge=0, le=100_000, description="0-based index to insert before; past the end (or omitted) appends"
    ),
]
SnapshotId = Annotated[str, Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{8}$", description="From tidal_list_snapshots")]


def _uuid(playlist_id: str) -> str:
    return playlist_id.lower()


def register(mcp: MCPServer, writes: bool = True) -> None:
    """Declare this area's tools on ``mcp`` (without the ones that change the account unless ``writes``)."""

    @mcp.tool(name="tidal_get_playlist", title="Get a playlist", annotations=READ_ONLY)
    async def tidal_get_playlist(
        playlist_id: PlaylistId,
        ctx: Context,
        offset: Offset = 0,
        limit: Annotated[
            int, Field(strict=True, ge=1, le=TRACK_PAGE, description="Tracks in this answer")
        ] = TRACK_PAGE,
    ) -> PlaylistTracksPage:
        """Get a TIDAL playlist with its tracks in order: every page TIDAL has is read (and cached), and
        up to `limit` tracks from `offset` are returned; `next_offset` continues a long playlist."""
        args = {"playlist_id": _uuid(playlist_id)}
        data = await call_op(ctx, "tidal_get_playlist", "playlist.get", args)
        tracks = data["tracks"]
        page = tracks[offset : offset + limit]
        more = offset + len(page) < len(tracks)
        return PlaylistTracksPage.model_validate(
            {
                **data,
                "tracks": page,
                "tracks_total": len(tracks),
                "offset": offset,
                "has_more": more,
                "next_offset": offset + len(page) if more else None,
            }
        )

    @mcp.tool(name="tidal_list_playlists", title="List my playlists", annotations=READ_ONLY)
    async def tidal_list_playlists(
        ctx: Context,
        relation: Annotated[
            Literal["all", "own", "favorite"],
            Field(description="own: created by the user; favorite: someone else's, saved"),
        ] = "all",
        folder_id: Annotated[
            FolderId | None, Field(description="Only this folder's playlists (not sub-folders)")
        ] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> PlaylistPage:
        """List the user's playlists (own and favorited, newest first), with the folder each is in.

        Every page TIDAL has is read; `total` counts them all; page with `offset` / `next_offset`.
        """
        data = await call_op(ctx, "tidal_list_playlists", "playlists.library", {})
        found = Library.model_validate(data).playlists
        if relation != "all":
            found = [p for p in found if p.relation == relation]
        if folder_id is not None:
            found = [p for p in found if p.folder_id == folder_id]
        return PlaylistPage.model_validate({**page_of(found, offset, limit), **freshness(data)})

    @mcp.tool(name="tidal_list_snapshots", title="List playlist snapshots", annotations=READ_ONLY)
    async def tidal_list_snapshots(
        ctx: Context,
        playlist_id: Annotated[PlaylistId | None, Field(description="Only this playlist's snapshots")] = None,
        include_track_ids: Annotated[bool, Field(strict=True, description="Also list each snapshot's tracks")] = False,
        limit: Annotated[int, Field(strict=True, ge=1, le=200)] = 50,
    ) -> SnapshotList:
        """List the copies kept before deletes, clears, removals, merges, edits and restores (newest first,
        kept 8 days). tidal_restore_playlist brings one back."""
        client = front_state(ctx).dispatcher.client
        total, found = await snapshots.recent(client, _uuid(playlist_id) if playlist_id else None, limit)
        if not include_track_ids:
            found = [{**s, "track_ids": []} for s in found]
        return SnapshotList.model_validate({"total": total, "snapshots": found})

    if not writes:
        return

    async def write(ctx: Context, tool: str, op: str, args: dict[str, Any]) -> Any:
        return await call_op(ctx, tool, op, {k: v for k, v in args.items() if v is not None})

    @mcp.tool(
        name="tidal_create_playlist",
        title="Create a playlist",
        annotations=changes(destructive=False, idempotent=False),
    )
    async def tidal_create_playlist(
        title: Title,
        ctx: Context,
        description: Description = "",
        folder_id: Annotated[
            FolderId | None, Field(description="Create it in this folder (default: top level)")
        ] = None,
        public: Annotated[bool, Field(strict=True, description="Visible on the user's profile")] = False,
        track_ids: TrackIds = [],  # noqa: B006 - pydantic copies defaults
        isrcs: Isrcs = [],  # noqa: B006
    ) -> PlaylistInfo:
        """Create a playlist, optionally with its first tracks (by id and/or ISRC; duplicates skipped).

        Tracks TIDAL refuses (not available in the account's country) are listed in `change.refused`.
        """
        args = {
            "title": title,
            "description": description,
            "folder_id": folder_id,
            "public": public,
            "track_ids": track_ids,
            "isrcs": [c.upper() for c in isrcs],
        }
        return PlaylistInfo.model_validate(await write(ctx, "tidal_create_playlist", "playlist.create", args))

    @mcp.tool(
        name="tidal_copy_playlist", title="Copy a playlist", annotations=changes(destructive=False, idempotent=False)
    )
    async def tidal_copy_playlist(
        playlist_id: PlaylistId,
        ctx: Context,
        title: Annotated[Title | None, Field(description="Default: the original title + ' (copy)'")] = None,
        description: Annotated[Description | None, Field(description="Default: the original's")] = None,
        folder_id: Annotated[FolderId | None, Field(description="Default: top level")] = None,
        public: Annotated[bool, Field(strict=True)] = False,
    ) -> PlaylistInfo:
        """Make a new playlist of the user's with the same tracks in the same order (any playlist: the
        user's own, a favorite, an editorial one)."""
        args = {
            "playlist_id": _uuid(playlist_id),
            "title": title,
            "description": description,
            "folder_id": folder_id,
            "public": public,
        }
        return PlaylistInfo.model_validate(await write(ctx, "tidal_copy_playlist", "playlist.copy", args))

    @mcp.tool(
        name="tidal_edit_playlist",
        title="Rename or describe a playlist",
        annotations=changes(destructive=True, idempotent=True),
    )
    async def tidal_edit_playlist(
        playlist_id: PlaylistId,
        ctx: Context,
        title: Annotated[Title | None, Field(description="New title (unchanged if omitted)")] = None,
        description: Annotated[Description | None, Field(description="New description (unchanged if omitted)")] = None,
        dry_run: DryRun = False,
    ) -> PlaylistInfo:
        """Change a playlist's title and/or description (the old ones are kept in a snapshot)."""
        if title is None and description is None:
            raise ToolError("Give a new title, a new description, or both.")
        args = {"playlist_id": _uuid(playlist_id), "title": title, "description": description, "dry_run": dry_run}
        return PlaylistInfo.model_validate(await write(ctx, "tidal_edit_playlist", "playlist.edit", args))

    @mcp.tool(
        name="tidal_set_playlist_visibility",
        title="Make a playlist public or private",
        annotations=changes(destructive=False, idempotent=True),
    )
    async def tidal_set_playlist_visibility(
        playlist_id: PlaylistId,
        public: Annotated[bool, Field(strict=True, description="true: public; false: private")],
        ctx: Context,
    ) -> PlaylistInfo:
        """Make a playlist public (shown on the user's profile, findable) or private."""
        args = {"playlist_id": _uuid(playlist_id), "public": public}
        return PlaylistInfo.model_validate(
            await write(ctx, "tidal_set_playlist_visibility", "playlist.visibility", args)
        )

    @mcp.tool(
        name="tidal_delete_playlists", title="Delete playlists", annotations=changes(destructive=True, idempotent=True)
    )
    async def tidal_delete_playlists(
        playlist_ids: Annotated[list[PlaylistId], Field(min_length=1, max_length=50)],
        ctx: Context,
        dry_run: DryRun = False,
    ) -> Deleted:
        """Delete playlists the user created. Each is snapshotted first (kept 8 days): tidal_restore_playlist
        brings it back. Nothing is deleted unless every id is a playlist of the user's."""
        args = {"playlist_ids": list(dict.fromkeys(_uuid(p) for p in playlist_ids)), "dry_run": dry_run}
        return Deleted.model_validate(await write(ctx, "tidal_delete_playlists", "playlist.delete", args))

    @mcp.tool(
        name="tidal_add_tracks",
        title="Add tracks to a playlist",
        annotations=changes(destructive=False, idempotent=False),
    )
    async def tidal_add_tracks(
        playlist_id: PlaylistId,
        ctx: Context,
        track_ids: TrackIds = [],  # noqa: B006
        isrcs: Isrcs = [],  # noqa: B006
        position: Annotated[
            Position | None, Field(description="Insert before this 0-based index; default: append")
        ] = None,
        allow_duplicates: Annotated[
            bool, Field(strict=True, description="Also add tracks already in the playlist (and repeats in the request)")
        ] = False,
        dry_run: DryRun = False,
    ) -> PlaylistChange:
        """Add tracks by id and/or ISRC, appended or at `position`, in order.

        Tracks already in the playlist, and repeats in the request, are skipped unless `allow_duplicates`.
        Tracks TIDAL refuses (not available in the account's country, unknown) are listed in `refused`,
        never counted as added. Long lists go in chunks; a crash mid-way resumes where it stopped.
        """
        if not track_ids and not isrcs:
            raise ToolError("Give track_ids and/or isrcs to add.")
        args = {
            "playlist_id": _uuid(playlist_id),
            "track_ids": track_ids,
            "isrcs": [c.upper() for c in isrcs],
            "position": position,
            "allow_duplicates": allow_duplicates,
            "dry_run": dry_run,
        }
        return PlaylistChange.model_validate(await write(ctx, "tidal_add_tracks", "playlist.add", args))

    @mcp.tool(
        name="tidal_remove_tracks",
        title="Remove tracks from a playlist",
        annotations=changes(destructive=True, idempotent=False),
    )
    async def tidal_remove_tracks(
        playlist_id: PlaylistId,
        ctx: Context,
        track_ids: Annotated[TrackIds, Field(description="Remove every occurrence of these tracks")] = [],  # noqa: B006
        indices: Indices = [],  # noqa: B006
        dry_run: DryRun = False,
    ) -> PlaylistChange:
        """Remove tracks by id (every occurrence) and/or by 0-based index (as the playlist is now).

        The playlist is snapshotted first (tidal_restore_playlist). Use `dry_run` to see exactly which
        items at which positions would go.
        """
        if not track_ids and not indices:
            raise ToolError("Give track_ids and/or indices to remove.")
        args = {
            "playlist_id": _uuid(playlist_id),
            "track_ids": track_ids,
            "indices": sorted(set(indices)),
            "dry_run": dry_run,
        }
        return PlaylistChange.model_validate(await write(ctx, "tidal_remove_tracks", "playlist.remove", args))

    @mcp.tool(
        name="tidal_move_tracks",
        title="Reorder tracks in a playlist",
        annotations=changes(destructive=False, idempotent=False),
    )
    async def tidal_move_tracks(
        playlist_id: PlaylistId,
        to_index: Annotated[
            Position,
            Field(
                description="The moved tracks go, in playlist order, just before the "
                "item now at this 0-based index (past the end: to the end)"
            ),
        ],
        ctx: Context,
        track_ids: Annotated[TrackIds, Field(description="Move every occurrence of these tracks")] = [],  # noqa: B006
        indices: Indices = [],  # noqa: B006
        dry_run: DryRun = False,
    ) -> PlaylistChange:
        """Move one or many tracks (by id or 0-based index) to a position; `moved` gives their final places."""
        if not track_ids and not indices:
            raise ToolError("Give track_ids and/or indices to move.")
        args = {
            "playlist_id": _uuid(playlist_id),
            "to_index": to_index,
            "track_ids": track_ids,
            "indices": sorted(set(indices)),
            "dry_run": dry_run,
        }
        return PlaylistChange.model_validate(await write(ctx, "tidal_move_tracks", "playlist.move", args))

    @mcp.tool(
        name="tidal_clear_playlist",
        title="Remove every track from a playlist",
        annotations=changes(destructive=True, idempotent=True),
    )
    async def tidal_clear_playlist(playlist_id: PlaylistId, ctx: Context, dry_run: DryRun = False) -> PlaylistChange:
        """Remove every track (the playlist stays). It is snapshotted first (tidal_restore_playlist)."""
        args = {"playlist_id": _uuid(playlist_id), "dry_run": dry_run}
        return PlaylistChange.model_validate(await write(ctx, "tidal_clear_playlist", "playlist.clear", args))

    @mcp.tool(
        name="tidal_merge_playlists",
        title="Merge a playlist into another",
        annotations=changes(destructive=True, idempotent=False),
    )
    async def tidal_merge_playlists(
        source_playlist_id: PlaylistId,
        target_playlist_id: PlaylistId,
        ctx: Context,
        allow_duplicates: Annotated[bool, Field(strict=True)] = False,
        dry_run: DryRun = False,
    ) -> PlaylistChange:
        """Append the source playlist's tracks to the target (one of the user's); the source is unchanged.
        The target is snapshotted first; duplicates are skipped unless `allow_duplicates`."""
        if _uuid(source_playlist_id) == _uuid(target_playlist_id):
            raise ToolError("The source and the target are the same playlist.")
        args = {
            "source_playlist_id": _uuid(source_playlist_id),
            "target_playlist_id": _uuid(target_playlist_id),
            "allow_duplicates": allow_duplicates,
            "dry_run": dry_run,
        }
        return PlaylistChange.model_validate(await write(ctx, "tidal_merge_playlists", "playlist.merge", args))

    @mcp.tool(
        name="tidal_restore_playlist",
        title="Restore a playlist from a snapshot",
        annotations=changes(destructive=True, idempotent=False),
    )
    async def tidal_restore_playlist(snapshot_id: SnapshotId, ctx: Context, dry_run: DryRun = False) -> PlaylistInfo:
        """Bring a playlist back as a snapshot has it: a deleted one is recreated (TIDAL gives it a new id);
        one that still exists gets the snapshot's title, description and tracks back (what it holds now is
        snapshotted first)."""
        args = {"snapshot_id": snapshot_id, "dry_run": dry_run}
        return PlaylistInfo.model_validate(await write(ctx, "tidal_restore_playlist", "playlist.restore", args))
