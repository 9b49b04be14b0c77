"""Playlist folders as the tools return them."""

from __future__ import annotations

from pydantic import Field

from shared.models.common import Freshness, _Model


class Folder(_Model):
    """A folder of the user's playlists."""

    id: str
    name: str
    path: str = Field(description="Folder names from the top, joined by '/', e.g. Archive/2019")
    parent_id: str | None = Field(None, description="The enclosing folder; null at the root")
    created: str | None = None
    item_count: int = Field(0, description="Folders and playlists directly inside")


class FolderList(Freshness):
    """Every folder of the user's collection."""

    total: int
    folders: list[Folder]


class FolderChange(_Model):
    """What a folder write did (or, with ``dry_run``, would do)."""

    folder_id: str | None = Field(
        None, description="The folder created, renamed, emptied into or deleted; null for the top level"
    )
    name: str | None = None
    dry_run: bool = False
    moved: list[str] = Field([], description="Playlists moved (uuids)")
    deleted_playlists: list[str] = Field([], description="Own playlists deleted with the folder (uuids)")
    unfavorited_playlists: list[str] = Field([], description="Favorited playlists dropped with the folder")
    deleted_folders: list[str] = Field([], description="The folder and its sub-folders (ids)")
    snapshot_ids: list[str] = Field([], description="Copies kept of deleted playlists (tidal_restore_playlist)")
    message: str = ""
