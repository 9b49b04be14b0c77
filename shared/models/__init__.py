"""The plain-JSON shapes of TIDAL objects as the tools return them (pydantic models), one module per area.

Workers build these from tidalapi objects (``workers/normalize*.py``) and store ``model_dump()``
output in the cache; the front validates cached JSON back into them for structured tool output.
One definition serves both sides, so the MCP output schema and the cached data cannot drift.
Areas mirror ``workers/jobs/<area>.py`` and ``mcp_front/tools/<area>.py`` (DESIGN §7).
"""

from shared.models.albums import Album, AlbumSummary, AlbumTracksPage
from shared.models.artists import Artist
from shared.models.auth import AuthStatus
from shared.models.batch import (
    AlbumBatch,
    AlbumBatchAnswer,
    ArtistBatch,
    ArtistBatchAnswer,
    ArtistSummary,
    BarcodeBatch,
    BarcodeBatchAnswer,
    BarcodeMatch,
    BatchResult,
    ChunkAnswer,
    IsrcBatch,
    IsrcBatchAnswer,
    IsrcMatch,
    ItemFailure,
    JobInfo,
    JobList,
    MatchBatch,
    MatchBatchAnswer,
    TrackBatch,
    TrackBatchAnswer,
    TrackMatch,
    TrackSummary,
)
from shared.models.common import AlbumRef, ArtistRef, Freshness
from shared.models.credits import AlbumCreditList, AlbumCreditsPage, Credit, TrackCredits, TrackCreditsRow
from shared.models.discovery import DiscoveryPage, Genre, GenreList, GenrePage, PageRow, PageRows
from shared.models.exports import ExportAnswer, ExportBatch, ExportPart
from shared.models.favorites import (
    FAVORITE_KINDS,
    FAVORITE_ORDERS,
    Favorite,
    FavoriteList,
    FavoritesChange,
    FavoritesPage,
)
from shared.models.folders import Folder, FolderChange, FolderList
from shared.models.lists import AlbumList, AlbumPage, ArtistList, ArtistPage, Lyrics, Text, TrackList, TrackPage
from shared.models.mixes import Mix, MixPage, Video, VideoList, VideoPage
from shared.models.playlists import (
    Deleted,
    Library,
    LibraryPlaylist,
    Playlist,
    PlaylistChange,
    PlaylistInfo,
    PlaylistPage,
    PlaylistSummary,
    PlaylistTracksPage,
    TrackPlacement,
)
from shared.models.recommend import Recommendation, Recommendations, SeedFailure
from shared.models.search import SearchResult, TopHit
from shared.models.snapshots import Snapshot, SnapshotList
from shared.models.streams import (
    AUDIO_QUALITIES,
    VIDEO_QUALITIES,
    PlaybackInfo,
    SegmentTemplate,
    Stream,
    StreamBatch,
    StreamBatchAnswer,
    VideoStream,
)
from shared.models.tracks import Track, TrackResult
from shared.models.users import UserPlaylistList, UserPlaylistPage, UserProfile

__all__ = [
    "AlbumTracksPage",
    "AlbumCreditList", "AlbumCreditsPage", "Credit", "TrackCredits", "TrackCreditsRow",
    "DiscoveryPage", "Genre", "GenreList", "GenrePage", "PageRow", "PageRows",
    "Recommendation", "Recommendations", "SeedFailure", "UserPlaylistList", "UserPlaylistPage", "UserProfile",
    "VideoList", "VideoPage",
    "Mix", "MixPage", "Video",
    "AlbumList", "AlbumPage", "ArtistList", "ArtistPage", "Lyrics", "Text", "TrackList", "TrackPage",
    "StreamBatch", "StreamBatchAnswer",
    "AUDIO_QUALITIES", "VIDEO_QUALITIES", "PlaybackInfo", "SegmentTemplate", "Stream", "VideoStream",
    "PlaylistTracksPage",
    "ExportAnswer", "ExportBatch", "ExportPart",
    "Album", "AlbumBatch", "AlbumBatchAnswer", "AlbumRef", "AlbumSummary", "Artist", "ArtistBatch",
    "ArtistBatchAnswer", "ArtistRef", "ArtistSummary", "AuthStatus", "BarcodeBatch", "BarcodeBatchAnswer",
    "BarcodeMatch", "BatchResult", "ChunkAnswer", "Deleted", "FAVORITE_KINDS", "FAVORITE_ORDERS", "Favorite",
    "FavoriteList", "FavoritesChange", "FavoritesPage", "Folder", "FolderChange", "FolderList", "Freshness",
    "IsrcBatch", "IsrcBatchAnswer", "IsrcMatch", "ItemFailure", "JobInfo", "JobList", "Library", "LibraryPlaylist",
    "MatchBatch", "MatchBatchAnswer", "Playlist", "PlaylistChange", "PlaylistInfo", "PlaylistPage",
    "PlaylistSummary", "SearchResult", "Snapshot", "SnapshotList", "TopHit", "Track", "TrackBatch",
    "TrackBatchAnswer", "TrackMatch", "TrackPlacement", "TrackResult", "TrackSummary",
]
