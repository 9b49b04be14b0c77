"""Playlists as the tools return them."""

from __future__ import annotations

from pydantic import Field

from shared.models.common import Freshness, _Model
from shared.models.folders import Folder
from shared.models.tracks import Track


class PlaylistSummary(_Model):
    """A playlist without its tracks (as found by search)."""

    uuid: str
    title: str
    description: str | None = None
    creator_id: int | None = Field(None, description="0 or null for TIDAL editorial playlists")
    type: str | None = Field(None, description="USER, EDITORIAL, ARTIST ...")
    number_of_tracks: int
    duration_s: int
    last_updated: str | None = None
    image_url: str | None = None
    url: str


class Playlist(PlaylistSummary, Freshness):
    """A playlist with every track, in playlist order."""

    public: bool | None = None
    created: str | None = None
    tracks: list[Track]


class PlaylistTracksPage(Playlist):
    """A playlist as ``tidal_get_playlist`` answers it: one page of its tracks, in order."""

    tracks_total: int = Field(description="Tracks in the whole playlist")
    offset: int = 0
    has_more: bool = False
    next_offset: int | None = Field(None, description="Pass as offset for the next tracks")


class LibraryPlaylist(PlaylistSummary):
    """One of the user's playlists (own or favorited) as listed, with its folder."""

    relation: str = Field(description="own (the user created it) or favorite")
    folder_id: str | None = Field(None, description="The folder it sits in; null at the top level")
    folder_path: str | None = Field(None, description="That folder's path, e.g. Archive/2019")
    public: bool | None = None
    added_at: str | None = None


class Library(_Model):
    """The user's whole playlist library: every folder and every own or favorited playlist."""

    folders: list[Folder]
    playlists: list[LibraryPlaylist]


class PlaylistPage(Freshness):
    """One page of the user's playlists (every page TIDAL has is read; this pages them for you)."""

    total: int = Field(description="Playlists matching the filters, on every page")
    offset: int
    limit: int
    has_more: bool
    next_offset: int | None = None
    items: list[LibraryPlaylist]


class TrackPlacement(_Model):
    """A track and its position (0-based) in the playlist."""

    track_id: int
    position: int


class PlaylistChange(_Model):
    """What a playlist write did (or, with ``dry_run``, would do)."""

    playlist_id: str
    dry_run: bool = False
    added: list[TrackPlacement] = []
    removed: list[TrackPlacement] = []
    moved: list[TrackPlacement] = Field([], description="Final positions of the moved tracks")
    skipped_duplicates: list[int] = Field([], description="Already in the playlist (or repeated); not added again")
    refused: list[int] = Field(
        [], description="TIDAL would not add these (not available in the account's country, or unknown)"
    )
    not_found: list[str] = Field([], description="Ids or ISRCs TIDAL does not know")
    track_count_before: int
    track_count_after: int
    snapshot_id: str | None = Field(
        None, description="The copy kept before a destructive change (tidal_restore_playlist brings it back)"
    )
    message: str = ""


class PlaylistInfo(_Model):
    """A playlist after a create, copy, edit, visibility change or restore (or, with ``dry_run``, what
    it would become)."""

    playlist_id: str | None = Field(description="Null only in a dry run that would create a playlist")
    title: str
    description: str | None = None
    public: bool | None = None
    folder_id: str | None = None
    track_count: int = 0
    dry_run: bool = False
    change: PlaylistChange | None = Field(None, description="Tracks added (or replaced) on the way")
    snapshot_id: str | None = Field(
        None, description="The copy kept of what was there before (tidal_restore_playlist brings it back)"
    )
    message: str = ""


class Deleted(_Model):
    """A delete (or, with ``dry_run``, what would be deleted)."""

    dry_run: bool = False
    deleted: list[str] = Field(description="Uuids of the playlists that are (or would be) gone")
    track_counts: dict[str, int] = Field({}, description="Tracks each deleted playlist held")
    snapshot_ids: list[str] = Field([], description="Copies kept of deleted playlists (tidal_restore_playlist)")
    message: str = ""
