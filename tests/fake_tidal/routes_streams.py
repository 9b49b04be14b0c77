"""Playback: ``playbackinfo[postpaywall]`` and ``urlpostpaywall`` for tracks and videos, ``/videos/{id}``.

The granted quality is the lowest of the asked one, the track's own best and the subscription's
cap (HIFI_PLUS: hi-res, HIFI: lossless, FREE: HIGH, and only 30-second PREVIEWs). The device-code
client gets BTS for LOW/HIGH/LOSSLESS and DASH for hi-res; the PKCE client (the full app) and
OFFLINE playback get DASH for everything. Some tracks are served encrypted (``OLD_AES`` BTS with a
``keyId``, ``cenc`` DASH). Unknown or unlicensed tracks: 500/999 on playbackinfo, 401/4005 on
urlpostpaywall (tidalapi.md §d). Every media URL is signed and expires (``url_lifetime``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import time

from aiohttp import web

from . import manifests
from .common import SESSION_ID_KEY, TOKEN_KEY, int_path, state_of
from .errors import TidalError, not_found
from .model import Track
from .shapes import JsonObj
from .shapes_extra import video_json
from .state import State

routes = web.RouteTableDef()

QUALITY_ORDER: tuple[str, ...] = ("LOW", "HIGH", "LOSSLESS", "HI_RES_LOSSLESS")
SUBSCRIPTION_CAP = {"HIFI_PLUS": "HI_RES_LOSSLESS", "HIFI": "LOSSLESS", "FREE": "HIGH"}
VIDEO_ORDER: tuple[str, ...] = ("AUDIO_ONLY", "LOW", "MEDIUM", "HIGH")
VIDEO_CAP = {"MP4_1080P": "HIGH", "MP4_720P": "MEDIUM"}
UNEXPECTED = (500, 999, "Unexpected error occurred.")
NOT_READY = (401, 4005, "Asset is not ready for playback")


def _choice(request: web.Request, name: str, allowed: tuple[str, ...], default: str) -> str:
    value = request.query.get(name, default).upper()
    if value not in allowed:
        raise TidalError(400, 1002, f"Invalid {name} [{request.query.get(name)}]")
    return value


def granted_quality(state: State, track: Track, requested: str) -> str:
    """min(requested, the track's best, the subscription's cap)."""
    cap = SUBSCRIPTION_CAP[state.settings.subscription]
    return QUALITY_ORDER[
        min(QUALITY_ORDER.index(requested), QUALITY_ORDER.index(track.audio_quality), QUALITY_ORDER.index(cap))
    ]


def presentation(state: State, requested: str) -> str:
    """FULL, unless asked for PREVIEW or the subscription only allows previews (FREE)."""
    return "PREVIEW" if state.settings.subscription == "FREE" else requested


def streamable_track(state: State, request: web.Request, error: tuple[int, int, str]) -> Track:
    """The track, or ``error`` when it is unknown or not licensed in the country."""
    raw = request.match_info["id"]
    track = state.catalog.tracks.get(int(raw)) if raw.isdigit() else None
    if track is None or track.id in state.extras.unavailable:
        raise TidalError(*error)
    return track


def _encode(text: str) -> tuple[str, str]:
    encoded = base64.b64encode(text.encode()).decode()
    return encoded, base64.b64encode(hashlib.sha256(encoded.encode()).digest()).decode()


@routes.get("/v1/tracks/{id}/playbackinfopostpaywall")
@routes.get("/v1/tracks/{id}/playbackinfo")
async def playback_info(request: web.Request) -> web.Response:
    """``audioquality``, ``playbackmode`` (STREAM|OFFLINE), ``assetpresentation`` (FULL|PREVIEW)."""
    state = state_of(request)
    track = streamable_track(state, request, UNEXPECTED)
    quality = granted_quality(state, track, _choice(request, "audioquality", QUALITY_ORDER, "HIGH"))
    mode = _choice(request, "playbackmode", ("STREAM", "OFFLINE"), "STREAM")
    asset = presentation(state, _choice(request, "assetpresentation", ("FULL", "PREVIEW"), "FULL"))
    preview = asset == "PREVIEW"
    encrypted = track.id in state.extras.encrypted
    rng = random.Random(f"{state.catalog.seed}:stream:{track.id}:{quality}:{mode}:{asset}")
    dash = quality == "HI_RES_LOSSLESS" or mode == "OFFLINE" or request[TOKEN_KEY].client == "pkce"
    if dash:
        mime, text = (
            "application/dash+xml",
            manifests.mpd(request, track, [quality], preview=preview, encrypted=encrypted, rng=rng),
        )
    else:
        manifest = manifests.bts(request, track, quality, preview=preview, encrypted=encrypted, rng=rng)
        mime, text = "application/vnd.tidal.bts", json.dumps(manifest, separators=(",", ":"))
    encoded, digest = _encode(text)
    album = state.catalog.albums[track.album_id]
    fmt = manifests.audio_format(track, quality)
    body: JsonObj = {
        "trackId": track.id,
        "assetPresentation": asset,
        "audioMode": "STEREO",
        "audioQuality": quality,
        "streamingSessionId": request[SESSION_ID_KEY],
        "manifestMimeType": mime,
        "manifestHash": digest,
        "manifest": encoded,
        "albumReplayGain": album.replay_gain,
        "albumPeakAmplitude": album.peak,
        "trackReplayGain": track.replay_gain,
        "trackPeakAmplitude": track.peak,
    }
    if mode == "OFFLINE":
        revalidate = int(time.time()) + manifests.OFFLINE_REVALIDATE_S
        body["offlineRevalidateAt"] = revalidate
        body["offlineValidUntil"] = revalidate + manifests.OFFLINE_REVALIDATE_S
    body["bitDepth"] = fmt.depth
    body["sampleRate"] = fmt.rate
    return web.json_response(body)


@routes.get("/v1/tracks/{id}/urlpostpaywall")
async def stream_url(request: web.Request) -> web.Response:
    """``{"urls":[...]}`` for LOW/HIGH/LOSSLESS; hi-res, PREVIEW or unlicensed → 401/4005."""
    state = state_of(request)
    track = streamable_track(state, request, NOT_READY)
    quality = granted_quality(state, track, _choice(request, "audioquality", QUALITY_ORDER, "HIGH"))
    asset = presentation(state, _choice(request, "assetpresentation", ("FULL", "PREVIEW"), "FULL"))
    if quality == "HI_RES_LOSSLESS" or asset == "PREVIEW":
        raise TidalError(*NOT_READY)
    encrypted = track.id in state.extras.encrypted
    rng = random.Random(f"{state.catalog.seed}:url:{track.id}:{quality}")
    manifest = manifests.bts(request, track, quality, preview=False, encrypted=encrypted, rng=rng)
    return web.json_response(
        {
            "urls": manifest["urls"],
            "trackId": track.id,
            "assetPresentation": asset,
            "audioQuality": quality,
            "audioMode": "STEREO",
            "streamingSessionId": request[SESSION_ID_KEY],
            "codec": manifest["codecs"].split(".")[0].upper(),
            "securityType": "OLD_AES" if encrypted else None,
            "securityToken": manifest.get("keyId"),
        }
    )


# -- videos -------------------------------------------------------------------------------


def _video(state: State, request: web.Request):
    video_id = int_path(request, "id", "Video")
    video = state.extras.videos.get(video_id)
    if video is None:
        raise not_found("Video", video_id)
    return video


@routes.get("/v1/videos/{id}")
async def video(request: web.Request) -> web.Response:
    """GET /v1/videos/{id}."""
    state = state_of(request)
    return web.json_response(video_json(state.catalog, _video(state, request)))


def _video_quality(request: web.Request, own: str) -> str:
    wanted = _choice(request, "videoquality", VIDEO_ORDER, "HIGH")
    return VIDEO_ORDER[min(VIDEO_ORDER.index(wanted), VIDEO_ORDER.index(VIDEO_CAP[own]))]


@routes.get("/v1/videos/{id}/playbackinfopostpaywall")
@routes.get("/v1/videos/{id}/playbackinfo")
async def video_playback_info(request: web.Request) -> web.Response:
    """An ``application/vnd.tidal.emu`` manifest listing one signed HLS master playlist."""
    state = state_of(request)
    found = _video(state, request)
    quality = _video_quality(request, found.quality)
    _choice(request, "playbackmode", ("STREAM", "OFFLINE"), "STREAM")
    asset = presentation(state, _choice(request, "assetpresentation", ("FULL", "PREVIEW"), "FULL"))
    manifest = {
        "mimeType": "application/vnd.apple.mpegurl",
        "urls": [manifests.video_master_url(request, found.id, quality)],
    }
    encoded, digest = _encode(json.dumps(manifest, separators=(",", ":")))
    return web.json_response(
        {
            "videoId": found.id,
            "streamType": "ON_DEMAND",
            "assetPresentation": asset,
            "videoQuality": quality,
            "manifestMimeType": "application/vnd.tidal.emu",
            "manifestHash": digest,
            "manifest": encoded,
        }
    )


@routes.get("/v1/videos/{id}/urlpostpaywall")
async def video_url(request: web.Request) -> web.Response:
    """``{"urls":[m3u8]}`` (what tidalapi's ``Video.get_url`` reads)."""
    state = state_of(request)
    found = _video(state, request)
    quality = _video_quality(request, found.quality)
    return web.json_response(
        {
            "urls": [manifests.video_master_url(request, found.id, quality)],
            "videoId": found.id,
            "streamType": "ON_DEMAND",
            "assetPresentation": "FULL",
            "videoQuality": quality,
        }
    )
