"""Mix and video jobs."""

from __future__ import annotations

import tidalapi

from shared import models
from workers import normalize
from workers.runtime import cache_tracks, tidal_job
from workers.tidal_types import media_id

MIX_PAGE = 100


@tidal_job("mix.get")
def get_mix(session: tidalapi.Session, mix_id: str) -> models.Mix:
    """Every item of a mix, following ``totalNumberOfItems`` page by page."""
    tracks: list[models.Track] = []
    videos: list[models.Video] = []
    offset, total = 0, None
    while total is None or offset < total:
        body = session.request.request(
            "GET", f"mixes/{mix_id}/items", params={"limit": MIX_PAGE, "offset": offset}
        ).json()
        items = body.get("items") or []
        total = int(body.get("totalNumberOfItems") or len(items))
        for entry in items:
            if entry.get("type") == "track":
                tracks.append(normalize.track(session.parse_track(entry["item"])))
            elif entry.get("type") == "video":
                videos.append(normalize.video(session.parse_video(entry["item"])))
        if len(items) >= total or not items:  # TIDAL may answer the whole mix at once, ignoring the paging
            break
        offset += MIX_PAGE
    cache_tracks(tracks)
    return models.Mix(id=mix_id, tracks=tracks, videos=videos)


@tidal_job("video.get")
def get_video(session: tidalapi.Session, video_id: int) -> models.Video:
    """One video's metadata (1 request)."""
    return normalize.video(session.video(media_id(video_id)))
