"""Per-track extras: lyrics and radio (playback lives in routes_streams)."""

from __future__ import annotations

import random

from aiohttp import web

from . import shapes, words
from .catalog import Catalog
from .common import paging, state_of
from .errors import TidalError
from .model import Track
from .routes_catalog import by_popularity, get_track
from .shapes import page

routes = web.RouteTableDef()

QUALITY_ORDER: tuple[str, ...] = ("LOW", "HIGH", "LOSSLESS", "HI_RES_LOSSLESS")
#: (mimeType, codecs, file extension) of the BTS manifest per quality.
BTS_FORMATS: dict[str, tuple[str, str, str]] = {
    "LOW": ("audio/mp4", "mp4a.40.5", "mp4"),
    "HIGH": ("audio/mp4", "mp4a.40.2", "mp4"),
    "LOSSLESS": ("audio/flac", "flac", "flac"),
}
SEGMENT_SECONDS = 4
HI_RES_RATE = 96_000


def _track_rng(catalog: Catalog, track: Track, purpose: str) -> random.Random:
    """A generator private to one track and purpose, so lazily built data is deterministic."""
    return random.Random(f"{catalog.seed}:{purpose}:{track.id}")


# -- lyrics and radio ---------------------------------------------------------------------


@routes.get("/v1/tracks/{id}/lyrics")
async def lyrics(request: web.Request) -> web.Response:
    """GET /v1/tracks/{id}/lyrics (all seven keys); tracks without lyrics answer 404."""
    catalog = state_of(request).catalog
    track = get_track(catalog, request)
    if not track.has_lyrics:
        raise TidalError(404, 2001, f"Lyrics for track [{track.id}] not found")
    rng = _track_rng(catalog, track, "lyrics")
    lines = []
    for _ in range(rng.randint(12, 24)):
        template = rng.choice(words.LYRIC_LINES)
        lines.append(
            template.format(
                n=rng.choice(words.NOUNS).lower(), a=rng.choice(words.ADJECTIVES).lower(), v=rng.choice(words.VERBS)
            )
        )
    step = track.duration / (len(lines) + 1)
    subtitles = "\n".join(
        f"[{int(step * (i + 1)) // 60:02d}:{step * (i + 1) % 60:05.2f}] {line}" for i, line in enumerate(lines)
    )
    return web.json_response(
        {
            "isRightToLeft": False,
            "lyrics": "\n".join(lines),
            "lyricsProvider": "MUSIXMATCH",
            "providerCommontrackId": str(rng.randint(10_000_000, 199_999_999)),
            "providerLyricsId": str(rng.randint(10_000_000, 99_999_999)),
            "subtitles": subtitles,
            "trackId": track.id,
        }
    )


@routes.get("/v1/tracks/{id}/radio")
async def track_radio(request: web.Request) -> web.Response:
    """GET /v1/tracks/{id}/radio: popular tracks by the artist and similar artists."""
    catalog = state_of(request).catalog
    track = get_track(catalog, request)
    artist_id = track.credits[0].artist_id
    pool_artists = (artist_id, *catalog.similar_artists[artist_id])
    pool = {t for a in pool_artists for t in catalog.tracks_by_artist.get(a, ()) if t != track.id}
    ranked = by_popularity([catalog.tracks[t] for t in pool])
    limit, offset = paging(request)
    items = [shapes.track_json(catalog, t) for t in ranked[offset : offset + limit]]
    return web.json_response(page(items, limit, offset, len(ranked)))
