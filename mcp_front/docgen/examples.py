"""One example call per tool, resource and prompt, with ids of the demo's seeded catalog (emulator, seed 42).

Adding a tool: add ``"tidal_x": {...arguments...}`` to :data:`TOOLS`, then record its answer with
``python -m mcp_front.docgen --record --only tidal_x`` and regenerate with ``python -m mcp_front.docgen``.

Every example is recorded against a freshly reset emulator and empty caches, so it may act on the
demo's own playlists, folders and favorites; writes that have ``dry_run`` use it. An argument whose
real value only exists at recording time (a job id, a snapshot id) is shown with a placeholder and
filled from the answer of a :class:`Step` made first (see :data:`STEPS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mcp_front.examples import EXAMPLE_ALBUM_ID, EXAMPLE_ARTIST_ID, EXAMPLE_PLAYLIST_UUID, EXAMPLE_TRACK_ID

#: The user's playlist of 12 tracks ("My Copper Night Mix") and of 60 tracks ("My Wild Wire Mix").
SHORT_PLAYLIST = "aaf658f5-b43c-4a97-aa28-18ece366bc5f"
LONG_PLAYLIST = "737e5670-b2c2-46e8-af71-38312c3ac863"
#: Someone else's public playlist the user favorited.
FAVORITED_PLAYLIST = "c5a3522c-6eca-4687-98fc-84df4c69ced9"
#: The seeded folders ``Archive`` and ``Archive/2019``.
ARCHIVE_FOLDER = "5225310b-f076-4e41-b855-5763f3eeb02d"
ARCHIVE_2019_FOLDER = "b09ffce1-44e6-42f0-bbf9-67c901e285aa"
#: The example track's neighbour on its album, its ISRC, and an album with a review and its barcode.
SECOND_TRACK_ID = 10085834
SECOND_TRACK_ISRC = "GBF4I8179098"
REVIEWED_ALBUM_ID = 5508570
REVIEWED_ALBUM_UPC = "0664411643116"
#: A personal mix, a music video, a favorite track.
PERSONAL_MIX_ID = "002b606e088c4fa6ece5ce16e63e4a"
VIDEO_ID = 401710300
FAVORITE_TRACK_ID = 86944141
#: Another user (a playlist creator), an artist with music videos, a genre and a mood path.
OTHER_USER_ID = 181741299
VIDEO_ARTIST_ID = 3103438
GENRE_PATH = "Pop"
MOOD_PATH = "party"
#: Shown for ids that exist only at recording time (the recorded answers use the same placeholders).
JOB_ID = "b0000000000000001"
SNAPSHOT_ID = "aaf658f5-00000001"


@dataclass(frozen=True)
class Step:
    """A call made before an example when recording; ``keep`` maps an example argument to the dotted
    path of its real value in this step's answer (``"snapshots.0.id"``)."""

    tool: str
    arguments: dict[str, Any]
    keep: dict[str, str] = field(default_factory=dict)


TOOLS: dict[str, dict[str, Any]] = {
    # search
    "tidal_search": {"query": "Endless Tides", "types": ["tracks", "artists"], "limit": 3},
    # tracks
    "tidal_get_track": {"track_id": EXAMPLE_TRACK_ID},
    "tidal_get_track_lyrics": {"track_id": EXAMPLE_TRACK_ID},
    "tidal_get_track_radio": {"track_id": EXAMPLE_TRACK_ID, "limit": 3},
    "tidal_get_track_credits": {"track_id": EXAMPLE_TRACK_ID},
    # albums
    "tidal_get_album": {"album_id": EXAMPLE_ALBUM_ID},
    "tidal_get_album_review": {"album_id": REVIEWED_ALBUM_ID},
    "tidal_get_album_credits": {"album_id": EXAMPLE_ALBUM_ID, "limit": 2},
    "tidal_get_similar_albums": {"album_id": EXAMPLE_ALBUM_ID, "limit": 3},
    # artists
    "tidal_get_artist": {"artist_id": EXAMPLE_ARTIST_ID},
    "tidal_get_artist_albums": {"artist_id": EXAMPLE_ARTIST_ID, "kind": "albums", "limit": 3},
    "tidal_get_similar_artists": {"artist_id": EXAMPLE_ARTIST_ID, "limit": 3},
    "tidal_get_artist_radio": {"artist_id": EXAMPLE_ARTIST_ID, "limit": 3},
    "tidal_get_artist_bio": {"artist_id": EXAMPLE_ARTIST_ID},
    "tidal_get_artist_top_tracks": {"artist_id": EXAMPLE_ARTIST_ID, "limit": 3},
    "tidal_get_artist_videos": {"artist_id": VIDEO_ARTIST_ID, "limit": 2},
    # discovery
    "tidal_get_page": {"page": "for_you", "limit": 4},
    "tidal_open_page": {"path": f"pages/artist?artistId={EXAMPLE_ARTIST_ID}", "limit": 3},
    "tidal_list_genres": {"limit": 3},
    "tidal_list_moods": {"limit": 3},
    "tidal_get_genre_items": {"path": GENRE_PATH, "kind": "albums", "limit": 3},
    "tidal_get_mood_playlists": {"path": MOOD_PATH, "limit": 3},
    # recommendations
    "tidal_recommend_tracks": {
        "seed_track_ids": [EXAMPLE_TRACK_ID],
        "seed_artist_ids": [EXAMPLE_ARTIST_ID],
        "year_from": 2000,
        "max_per_artist": 2,
        "limit": 3,
    },
    # users
    "tidal_get_user": {"user_id": OTHER_USER_ID},
    "tidal_get_user_playlists": {"user_id": OTHER_USER_ID, "limit": 2},
    # mixes
    "tidal_get_mix": {"mix_id": PERSONAL_MIX_ID, "limit": 3},
    "tidal_get_video": {"video_id": VIDEO_ID},
    # streams
    "tidal_get_stream": {"track_id": EXAMPLE_TRACK_ID, "quality": "HIGH"},
    "tidal_get_playback_info": {"track_id": EXAMPLE_TRACK_ID},
    "tidal_get_video_stream": {"video_id": VIDEO_ID, "quality": "HIGH"},
    "tidal_get_streams": {"track_ids": [EXAMPLE_TRACK_ID, SECOND_TRACK_ID], "quality": "LOW"},
    # batch
    "tidal_get_tracks": {"track_ids": [EXAMPLE_TRACK_ID, SECOND_TRACK_ID, 1]},
    "tidal_get_albums": {"album_ids": [EXAMPLE_ALBUM_ID, REVIEWED_ALBUM_ID]},
    "tidal_get_artists": {"artist_ids": [EXAMPLE_ARTIST_ID]},
    "tidal_find_tracks_by_isrc": {"isrcs": [SECOND_TRACK_ISRC]},
    "tidal_find_albums_by_barcode": {"barcodes": [REVIEWED_ALBUM_UPC]},
    "tidal_match_tracks": {"lines": ["The Endless Tides - Dream of the Meadow"]},
    # jobs
    "tidal_get_job": {"job_id": JOB_ID, "offset": 1, "limit": 1},
    "tidal_cancel_job": {"job_id": JOB_ID},
    "tidal_list_jobs": {},
    # exports
    "tidal_export_library": {"limit": 2},
    # playlists
    "tidal_get_playlist": {"playlist_id": SHORT_PLAYLIST, "limit": 3},
    "tidal_list_playlists": {"relation": "own", "limit": 3},
    "tidal_list_snapshots": {"playlist_id": SHORT_PLAYLIST},
    "tidal_create_playlist": {
        "title": "Road trip",
        "description": "Songs for the motorway",
        "track_ids": [EXAMPLE_TRACK_ID, SECOND_TRACK_ID],
    },
    "tidal_copy_playlist": {"playlist_id": SHORT_PLAYLIST, "title": "Copper Night, for the car"},
    "tidal_edit_playlist": {"playlist_id": SHORT_PLAYLIST, "title": "Copper Night", "dry_run": True},
    "tidal_set_playlist_visibility": {"playlist_id": SHORT_PLAYLIST, "public": True},
    "tidal_delete_playlists": {"playlist_ids": [SHORT_PLAYLIST], "dry_run": True},
    "tidal_add_tracks": {
        "playlist_id": EXAMPLE_PLAYLIST_UUID,
        "track_ids": [EXAMPLE_TRACK_ID, SECOND_TRACK_ID],
        "dry_run": True,
    },
    "tidal_remove_tracks": {"playlist_id": SHORT_PLAYLIST, "indices": [0, 2], "dry_run": True},
    "tidal_move_tracks": {"playlist_id": SHORT_PLAYLIST, "indices": [5], "to_index": 0, "dry_run": True},
    "tidal_clear_playlist": {"playlist_id": SHORT_PLAYLIST, "dry_run": True},
    "tidal_merge_playlists": {
        "source_playlist_id": SHORT_PLAYLIST,
        "target_playlist_id": LONG_PLAYLIST,
        "dry_run": True,
    },
    "tidal_restore_playlist": {"snapshot_id": SNAPSHOT_ID, "dry_run": True},
    # folders
    "tidal_list_folders": {},
    "tidal_create_folder": {"name": "Road trips", "parent_id": ARCHIVE_FOLDER, "playlist_ids": [SHORT_PLAYLIST]},
    "tidal_rename_folder": {"folder_id": ARCHIVE_2019_FOLDER, "name": "2019"},
    "tidal_delete_folder": {"folder_id": ARCHIVE_FOLDER, "dry_run": True},
    "tidal_move_playlists": {"playlist_ids": [SHORT_PLAYLIST], "folder_id": ARCHIVE_FOLDER},
    # favorites
    "tidal_list_favorites": {"kind": "albums", "limit": 3},
    "tidal_add_favorites": {"kind": "tracks", "ids": [str(EXAMPLE_TRACK_ID)]},
    "tidal_remove_favorites": {"kind": "tracks", "ids": [str(FAVORITE_TRACK_ID)], "dry_run": True},
    # auth
    "tidal_auth_status": {},
}

_A_BATCH = {"track_ids": [EXAMPLE_TRACK_ID, SECOND_TRACK_ID], "limit": 1}
_A_JOB = Step("tidal_get_tracks", _A_BATCH, keep={"job_id": "job_id"})
_A_SNAPSHOT = Step("tidal_remove_tracks", {"playlist_id": SHORT_PLAYLIST, "indices": [0]})

#: Calls made before an example when recording (never shown as the example itself).
STEPS: dict[str, tuple[Step, ...]] = {
    "tidal_get_job": (_A_JOB,),
    "tidal_cancel_job": (_A_JOB,),
    "tidal_list_jobs": (
        Step("tidal_get_tracks", _A_BATCH),
        Step("tidal_get_albums", {"album_ids": [EXAMPLE_ALBUM_ID]}),
    ),
    "tidal_list_snapshots": (_A_SNAPSHOT,),
    "tidal_restore_playlist": (
        _A_SNAPSHOT,
        Step("tidal_list_snapshots", {"playlist_id": SHORT_PLAYLIST}, keep={"snapshot_id": "snapshots.0.id"}),
    ),
}

#: Resources and templates (by URI or URI template) -> the URI read as the example.
RESOURCES: dict[str, str] = {
    "tidal://me/playlists": "tidal://me/playlists",
    "tidal://track/{track_id}": f"tidal://track/{EXAMPLE_TRACK_ID}",
    "tidal://album/{album_id}": f"tidal://album/{EXAMPLE_ALBUM_ID}",
    "tidal://artist/{artist_id}": f"tidal://artist/{EXAMPLE_ARTIST_ID}",
    "tidal://playlist/{playlist_id}": f"tidal://playlist/{SHORT_PLAYLIST}",
    "tidal://me/favorites/{kind}": "tidal://me/favorites/artists",
}

#: Prompts -> their example arguments.
PROMPTS: dict[str, dict[str, str]] = {
    "playlist_from_description": {"description": "rainy Sunday jazz", "size": "20"},
    "playlist_review": {"playlist_id": SHORT_PLAYLIST},
    "discovery_digest": {"kind": "albums"},
    "library_audit": {},
}
