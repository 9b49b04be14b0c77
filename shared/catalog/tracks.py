"""Catalog entries: Track reads."""

from shared.catalog.operation import HOUR, Operation, read

OPERATIONS: tuple[Operation, ...] = (
    read("track.get", "workers.jobs.tracks.get_track", "track", "track_id", ttl=6 * HOUR),
    read("track.lyrics", "workers.jobs.tracks.get_lyrics", "lyrics", "track_id", ttl=24 * HOUR),
    read("track.radio", "workers.jobs.tracks.get_track_radio", "track-radio", "track_id", ttl=6 * HOUR),
    read("track.credits", "workers.jobs.tracks.get_track_credits", "track-credits", "track_id", ttl=24 * HOUR),
)
