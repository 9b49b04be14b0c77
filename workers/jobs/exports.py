"""The library export's parts, one job each: the folder tree, a favorites kind, a playlist (with M3U and CSV).

The parts reuse the reads the tools make (``playlists.library``, ``favorites.list``, ``playlist.get``):
the same TIDAL calls, every page. Each part is cached a minute (an export is a snapshot).
"""

from __future__ import annotations

import csv
import io

import tidalapi

from shared import models
from shared.catalog.batch import EXPORT
from shared.errors import InvalidRequest
from workers.jobs.batch import run_chunk
from workers.jobs.favorites import list_favorites
from workers.jobs.playlists import get_playlist, list_library
from workers.runtime import tidal_job


def m3u(playlist: models.Playlist) -> str:
    """An extended M3U of the playlist (TIDAL share URLs: players that know TIDAL open them)."""
    lines = ["#EXTM3U", f"#PLAYLIST:{playlist.title}"]
    for track in playlist.tracks:
        artists = ", ".join(a.name for a in track.artists)
        lines += [f"#EXTINF:{track.duration_s},{artists} - {track.title}", track.url]
    return "\n".join(lines) + "\n"


def csv_of(playlist: models.Playlist) -> str:
    """The playlist as CSV: position, track id, title, artists, album, ISRC, seconds."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["position", "track_id", "title", "artists", "album", "isrc", "duration_s"])
    for position, track in enumerate(playlist.tracks):
        writer.writerow(
            [
                position,
                track.id,
                track.title,
                "; ".join(a.name for a in track.artists),
                track.album.title if track.album else "",
                track.isrc or "",
                track.duration_s,
            ]
        )
    return out.getvalue()


def export_part(session: tidalapi.Session, part: str) -> models.ExportPart:
    """One part of the export, by name."""
    if part == "library":
        library = list_library.__wrapped__(session)  # type: ignore[attr-defined]
        return models.ExportPart(
            part=part, title="Folders and playlists", items=len(library.playlists), data=library.model_dump(mode="json")
        )
    kind, _, ident = part.partition(":")
    if kind == "favorites":
        favorites = list_favorites.__wrapped__(session, ident, "newest")  # type: ignore[attr-defined]
        return models.ExportPart(
            part=part, title=f"Favorite {ident}", items=len(favorites.items), data=favorites.model_dump(mode="json")
        )
    if kind == "playlist":
        playlist = get_playlist.__wrapped__(session, ident)  # type: ignore[attr-defined]
        return models.ExportPart(
            part=part,
            title=playlist.title,
            items=len(playlist.tracks),
            data=playlist.model_dump(mode="json"),
            m3u=m3u(playlist),
            csv=csv_of(playlist),
        )
    raise InvalidRequest(f"unknown export part {part!r}")


@tidal_job("export.chunk")
def export_chunk(session: tidalapi.Session, values: list[str]) -> models.ChunkAnswer:
    """One part of a library export (1 + pages of it TIDAL requests)."""
    return run_chunk(
        "export.chunk",
        EXPORT,
        values,
        lambda parts: {p: export_part(session, p).model_dump(mode="json") for p in parts},
    )
