"""Per-track extras: lyrics, radio, playbackinfo (BTS / DASH manifests) and stream URLs."""

from __future__ import annotations

import base64
import hashlib
import json
import random

from aiohttp import web

from . import shapes, words
from .catalog import Catalog
from .common import SESSION_ID_KEY, paging, state_of
from .errors import TidalError
from .model import Track
from .routes_catalog import by_popularity, get_track
from .shapes import JsonObj, page

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


# -- streams ------------------------------------------------------------------------------


def effective_quality(track: Track, requested: str | None) -> str:
    """The best quality that is both requested and available (default HIGH)."""
    wanted = (requested or "HIGH").upper()
    if wanted not in QUALITY_ORDER:
        raise TidalError(400, 1002, f"Invalid audioquality [{requested}]")
    return QUALITY_ORDER[min(QUALITY_ORDER.index(wanted), QUALITY_ORDER.index(track.audio_quality))]


def _media_token(rng: random.Random) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(30)).decode().rstrip("=")


def bts_manifest(track: Track, quality: str, rng: random.Random) -> tuple[dict, str]:
    """The BTS manifest object and its single file URL."""
    mime, codecs, ext = BTS_FORMATS[quality]
    url = f"https://lgf.audio.tidal.com/mediatracks/{_media_token(rng)}/0.{ext}?token={_media_token(rng)}"
    return {"mimeType": mime, "codecs": codecs, "encryptionType": "NONE", "urls": [url]}, url


def dash_manifest(track: Track, rng: random.Random) -> str:
    """A DASH MPD (FLAC 24/96 in fMP4) that tidalapi's DashInfo parses."""
    timescale = HI_RES_RATE
    full_segments, remainder = divmod(track.duration, SEGMENT_SECONDS)
    base = f"https://sp-pr-fa.audio.tidal.com/mediatracks/{_media_token(rng)}"
    timeline = f'<S d="{SEGMENT_SECONDS * timescale}" r="{full_segments - 1}"/>' if full_segments else ""
    if remainder:
        timeline += f'<S d="{remainder * timescale}"/>'
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        '<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:cenc="urn:mpeg:cenc:2013" '
        'xsi:schemaLocation="urn:mpeg:dash:schema:mpd:2011 DASH-MPD.xsd" '
        'profiles="urn:mpeg:dash:profile:isoff-main:2011" type="static" minBufferTime="PT3.993S" '
        f'mediaPresentationDuration="PT{track.duration // 60}M{track.duration % 60}S">'
        '<Period id="0"><AdaptationSet id="0" contentType="audio" mimeType="audio/mp4" segmentAlignment="true">'
        f'<Representation id="FLAC_HIRES,{HI_RES_RATE},24" codecs="flac" bandwidth="2822358" '
        f'audioSamplingRate="{HI_RES_RATE}">'
        '<AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="2"/>'
        f'<SegmentTemplate timescale="{timescale}" initialization="{base}/0.mp4" '
        f'media="{base}/$Number$.mp4" startNumber="1"><SegmentTimeline>{timeline}</SegmentTimeline>'
        "</SegmentTemplate></Representation></AdaptationSet></Period></MPD>"
    )


@routes.get("/v1/tracks/{id}/playbackinfopostpaywall")
async def playback_info(request: web.Request) -> web.Response:
    """BTS (LOW/HIGH/LOSSLESS) or DASH (HI_RES_LOSSLESS) playback info; unknown track → 500/999."""
    catalog = state_of(request).catalog
    track_id = request.match_info["id"]
    track = catalog.tracks.get(int(track_id)) if track_id.isdigit() else None
    if track is None:
        raise TidalError(500, 999, "Unexpected error occurred.")
    quality = effective_quality(track, request.query.get("audioquality"))
    rng = _track_rng(catalog, track, f"stream:{quality}")
    if quality == "HI_RES_LOSSLESS":
        mime_type, manifest_text, bit_depth, sample_rate = (
            "application/dash+xml",
            dash_manifest(track, rng),
            24,
            HI_RES_RATE,
        )
    else:
        manifest, _ = bts_manifest(track, quality, rng)
        mime_type, manifest_text, bit_depth, sample_rate = "application/vnd.tidal.bts", json.dumps(manifest), 16, 44_100
    encoded = base64.b64encode(manifest_text.encode()).decode()
    album = catalog.albums[track.album_id]
    body: JsonObj = {
        "trackId": track.id,
        "assetPresentation": "FULL",
        "audioMode": "STEREO",
        "audioQuality": quality,
        "streamingSessionId": request[SESSION_ID_KEY],
        "manifestMimeType": mime_type,
        "manifestHash": base64.b64encode(hashlib.sha256(encoded.encode()).digest()).decode(),
        "manifest": encoded,
        "albumReplayGain": album.replay_gain,
        "albumPeakAmplitude": album.peak,
        "trackReplayGain": track.replay_gain,
        "trackPeakAmplitude": track.peak,
        "bitDepth": bit_depth,
        "sampleRate": sample_rate,
    }
    return web.json_response(body)


@routes.get("/v1/tracks/{id}/urlpostpaywall")
async def stream_url(request: web.Request) -> web.Response:
    """``{"urls":[...]}`` for LOW/HIGH/LOSSLESS; HI_RES_LOSSLESS → 401/4005 like TIDAL."""
    catalog = state_of(request).catalog
    track = get_track(catalog, request)
    quality = effective_quality(track, request.query.get("audioquality"))
    if quality == "HI_RES_LOSSLESS":
        raise TidalError(401, 4005, "Asset is not ready for playback")
    manifest, url = bts_manifest(track, quality, _track_rng(catalog, track, f"stream:{quality}"))
    return web.json_response(
        {
            "urls": [url],
            "trackId": track.id,
            "assetPresentation": "FULL",
            "audioQuality": quality,
            "audioMode": "STEREO",
            "streamingSessionId": request[SESSION_ID_KEY],
            "codec": manifest["codecs"].split(".")[0].upper(),
            "securityType": None,
            "securityToken": None,
        }
    )
