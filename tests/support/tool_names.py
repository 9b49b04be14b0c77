"""What ``tools/list`` must offer, written out here (not read from the code it checks)."""

from __future__ import annotations

READ_TOOLS = frozenset(
    {
        "tidal_search",
        "tidal_get_track",
        "tidal_get_album",
        "tidal_get_artist",
        "tidal_get_playlist",
        "tidal_auth_status",
        "tidal_list_playlists",
        "tidal_list_snapshots",
        "tidal_list_folders",
        "tidal_list_favorites",
        "tidal_get_tracks",
        "tidal_get_albums",
        "tidal_get_artists",
        "tidal_find_tracks_by_isrc",
        "tidal_find_albums_by_barcode",
        "tidal_match_tracks",
        "tidal_get_job",
        "tidal_list_jobs",
        "tidal_export_library",
        "tidal_get_stream",
        "tidal_get_playback_info",
        "tidal_get_video_stream",
        "tidal_get_streams",
        "tidal_get_track_lyrics",
        "tidal_get_track_radio",
        "tidal_get_album_review",
        "tidal_get_similar_albums",
        "tidal_get_artist_albums",
        "tidal_get_similar_artists",
        "tidal_get_artist_radio",
        "tidal_get_artist_bio",
        "tidal_get_mix",
        "tidal_get_video",
        "tidal_get_track_credits",
        "tidal_get_album_credits",
        "tidal_get_artist_top_tracks",
        "tidal_get_artist_videos",
        "tidal_get_user",
        "tidal_get_user_playlists",
        "tidal_get_page",
        "tidal_list_genres",
        "tidal_list_moods",
        "tidal_get_genre_items",
        "tidal_get_mood_playlists",
        "tidal_recommend_tracks",
        "tidal_open_page",
    }
)

#: Acts on the server's own jobs, not on the account: offered in read-only mode too.
JOB_CONTROL = frozenset({"tidal_cancel_job"})

#: Writes that destroy something (each takes ``dry_run`` and keeps what it destroys where it can).
DESTRUCTIVE_TOOLS = frozenset(
    {
        "tidal_edit_playlist",
        "tidal_delete_playlists",
        "tidal_remove_tracks",
        "tidal_clear_playlist",
        "tidal_merge_playlists",
        "tidal_restore_playlist",
        "tidal_delete_folder",
        "tidal_remove_favorites",
    }
)

#: Writes that only add or rearrange.
ADDING_TOOLS = frozenset(
    {
        "tidal_create_playlist",
        "tidal_copy_playlist",
        "tidal_set_playlist_visibility",
        "tidal_add_tracks",
        "tidal_move_tracks",
        "tidal_create_folder",
        "tidal_rename_folder",
        "tidal_move_playlists",
        "tidal_add_favorites",
    }
)

#: Writes whose second identical call changes nothing more.
IDEMPOTENT_WRITES = frozenset(
    {
        "tidal_edit_playlist",
        "tidal_delete_playlists",
        "tidal_clear_playlist",
        "tidal_delete_folder",
        "tidal_remove_favorites",
        "tidal_set_playlist_visibility",
        "tidal_rename_folder",
        "tidal_move_playlists",
        "tidal_add_favorites",
        "tidal_cancel_job",
    }
)

WRITE_TOOLS = DESTRUCTIVE_TOOLS | ADDING_TOOLS
ALL_TOOLS = READ_TOOLS | WRITE_TOOLS | JOB_CONTROL
READ_ONLY_FRONT_TOOLS = READ_TOOLS | JOB_CONTROL
