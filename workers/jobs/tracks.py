"""Track jobs."""

from __future__ import annotations

import tidalapi

from shared import models
from workers import normalize
from workers.runtime import cache_tracks, tidal_job
from workers.tidal_types import media_id


@tidal_job("track.get")
def get_track(session: tidalapi.Session, track_id: int) -> models.Track:
    """One track with its full metadata (1 TIDAL request)."""
    return normalize.track(session.track(media_id(track_id)))


RADIO = 100


@tidal_job("track.lyrics")
def get_lyrics(session: tidalapi.Session, track_id: int) -> models.Lyrics:
    """The track's lyrics, plain and time-synced (1 request; none is "not found")."""
    lyrics = session.track(media_id(track_id), with_album=False).lyrics()
    return models.Lyrics(
        track_id=track_id,
        text=lyrics.text or "",
        synced=lyrics.subtitles or None,
        provider=lyrics.provider or None,
        right_to_left=lyrics.right_to_left,
    )


@tidal_job("track.radio")
def get_track_radio(session: tidalapi.Session, track_id: int) -> models.TrackList:
    """Tracks in the spirit of this one (TIDAL's track radio, up to 100)."""
    tracks = session.track(media_id(track_id), with_album=False).get_track_radio(limit=RADIO)
    result = models.TrackList(items=[normalize.track(t) for t in tracks])
    cache_tracks(result.items)
    return result


@tidal_job("track.credits")
def get_track_credits(session: tidalapi.Session, track_id: int) -> models.TrackCredits:
    """Everyone credited on the track, grouped by role (1 request; an unknown id is "not found")."""
    groups = session.request.request("GET", f"tracks/{track_id}/credits", params={"includeContributors": "true"})
    return models.TrackCredits(track_id=track_id, credits=normalize.credits(groups.json()))
