"""Track jobs."""

from __future__ import annotations

import tidalapi

from shared import models
from workers import normalize
from workers.runtime import tidal_job


@tidal_job("track.get")
def get_track(session: tidalapi.Session, track_id: int) -> models.Track:
    """One track with its full metadata (1 TIDAL request)."""
    return normalize.track(session.track(track_id))
