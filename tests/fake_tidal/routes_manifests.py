"""openapi v2 ``GET /trackManifests/{id}``: a signed manifest URI (or a ``data:`` URI) per the OAS.

Shaped like openapi_v2_trackManifests.json. Formats granted: the asked ones up to the track's
best and the subscription's cap (``HEAACV1`` LOW, ``AACLC`` HIGH, ``FLAC`` LOSSLESS,
``FLAC_HIRES`` hi-res); none of them available → 404 ``CONTENT_NOT_FOUND``. Unknown track → 404,
not licensed in the country → 403 ``GEO_RESTRICTED``; FREE plans get ``PREVIEW`` with
``previewReason``; encrypted tracks carry ``drmData``.
"""

from __future__ import annotations

import base64
import hashlib
import random

from aiohttp import web

from . import manifests
from .cdn import sign
from .common import split_ids, state_of
from .errors import JSONAPI_CONTENT_TYPE, TidalError
from .routes_openapi import bad_request, self_link
from .routes_streams import QUALITY_ORDER, SUBSCRIPTION_CAP

routes = web.RouteTableDef()

FORMAT_OF = {"LOW": "HEAACV1", "HIGH": "AACLC", "LOSSLESS": "FLAC", "HI_RES_LOSSLESS": "FLAC_HIRES"}
ALL_FORMATS = ("HEAACV1", "AACLC", "FLAC", "FLAC_HIRES", "EAC3_JOC")
REQUIRED = {
    "manifestType": ("HLS", "MPEG_DASH"),
    "uriScheme": ("HTTPS", "DATA"),
    "usage": ("PLAYBACK", "DOWNLOAD"),
    "adaptive": ("true", "false"),
}


def _params(request: web.Request) -> tuple[dict[str, str], list[str]]:
    values = {}
    for name, allowed in REQUIRED.items():
        value = request.query.get(name)
        if value is None:
            raise bad_request(f"{name} is required", "VALUE_MISSING", name)
        if value not in allowed:
            raise bad_request(f"{name} must be one of {list(allowed)}", "VALUE_NOT_ALLOWED", name)
        values[name] = value
    formats = split_ids(",".join(request.query.getall("formats", [])))
    if not formats:
        raise bad_request("formats is required", "VALUE_MISSING", "formats")
    if any(f not in ALL_FORMATS for f in formats):
        raise bad_request(f"formats must be among {list(ALL_FORMATS)}", "VALUE_NOT_ALLOWED", "formats")
    return values, formats


@routes.get("/openapi/v2/trackManifests/{id}")
async def track_manifest(request: web.Request) -> web.Response:
    """``manifestType``, ``formats``, ``uriScheme``, ``usage``, ``adaptive`` are all required."""
    state = state_of(request)
    params, formats = _params(request)
    raw = request.match_info["id"]
    track = state.catalog.tracks.get(int(raw)) if raw.isdigit() else None
    missing = "The requested content does not exist or is no longer available"
    if track is None:
        raise TidalError(404, -1, missing, error="CONTENT_NOT_FOUND")
    if track.id in state.extras.unavailable:
        raise TidalError(403, -1, "The requested content is not available in your location", error="GEO_RESTRICTED")
    best = min(
        QUALITY_ORDER.index(track.audio_quality), QUALITY_ORDER.index(SUBSCRIPTION_CAP[state.settings.subscription])
    )
    qualities = [q for q in QUALITY_ORDER[: best + 1] if FORMAT_OF[q] in formats]
    if not qualities:
        raise TidalError(404, -1, missing, error="CONTENT_NOT_FOUND")
    if params["adaptive"] == "false":
        qualities = qualities[-1:]
    preview = state.settings.subscription == "FREE"
    encrypted = track.id in state.extras.encrypted
    dash = params["manifestType"] == "MPEG_DASH"
    ordered = list(reversed(qualities))
    key = manifests.manifest_key(t=track.id, q=ordered, p=int(preview), e=int(encrypted))
    if params["uriScheme"] == "DATA":
        rng = random.Random(f"{state.catalog.seed}:manifest:{key}")
        text = manifests.mpd(request, track, ordered, preview=preview, encrypted=encrypted, rng=rng)
        mime = "application/dash+xml" if dash else "application/vnd.apple.mpegurl"
        uri = f"data:{mime};base64,{base64.b64encode(text.encode()).decode()}"
    else:
        uri = sign(request, "im-fa.manifest.tidal.com", f"1/manifests/{key}.{'mpd' if dash else 'm3u8'}")
    album = state.catalog.albums[track.album_id]
    attributes = {
        "trackPresentation": "PREVIEW" if preview else "FULL",
        "uri": uri,
        "hash": base64.b64encode(hashlib.sha256(key.encode()).digest()).decode(),
        "formats": [FORMAT_OF[q] for q in qualities],
        "albumAudioNormalizationData": {"replayGain": album.replay_gain, "peakAmplitude": album.peak},
        "trackAudioNormalizationData": {"replayGain": track.replay_gain, "peakAmplitude": track.peak},
    }
    if preview:
        attributes["previewReason"] = "FULL_REQUIRES_SUBSCRIPTION"
    if encrypted:
        attributes["drmData"] = {
            "drmSystem": "WIDEVINE" if dash else "FAIRPLAY",
            "licenseUrl": f"{request.scheme}://{request.host}/cdn/drm.tidal.com/license",
            "certificateUrl": f"{request.scheme}://{request.host}/cdn/drm.tidal.com/certificate",
            "initData": [manifests.key_id(track, state.catalog.seed)],
        }
    body = {
        "data": {"id": str(track.id), "type": "trackManifests", "attributes": attributes},
        "links": {"self": self_link(request)},
    }
    return web.json_response(body, content_type=JSONAPI_CONTENT_TYPE)
