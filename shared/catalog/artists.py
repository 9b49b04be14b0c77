"""Catalog entries: Artist reads."""

from shared.catalog.operation import HOUR, Operation, read

OPERATIONS: tuple[Operation, ...] = (
    read("artist.get", "workers.jobs.artists.get_artist", "artist", "artist_id", ttl=6 * HOUR, timeout=120),
    read("artist.albums", "workers.jobs.artists.get_artist_albums", "artist-albums", None, ttl=6 * HOUR, timeout=120),
    read("artist.similar", "workers.jobs.artists.get_similar_artists", "similar-artists", "artist_id", ttl=24 * HOUR),
    read("artist.radio", "workers.jobs.artists.get_artist_radio", "artist-radio", "artist_id", ttl=6 * HOUR),
    read("artist.bio", "workers.jobs.artists.get_artist_bio", "artist-bio", "artist_id", ttl=24 * HOUR),
    read(
        "artist.top_tracks",
        "workers.jobs.artists.get_artist_top_tracks",
        "artist-top-tracks",
        "artist_id",
        ttl=6 * HOUR,
        timeout=120,
    ),
    read(
        "artist.videos",
        "workers.jobs.artists.get_artist_videos",
        "artist-videos",
        "artist_id",
        ttl=6 * HOUR,
        timeout=120,
    ),
)
