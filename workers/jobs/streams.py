"""Stream resolution jobs (queue ``tidal-stream``, served before everything else).

One playback-info request per (track, quality); the manifest is parsed here (:mod:`workers.manifests`).
When TIDAL grants less than asked, one more request (the track) says whether the track or the
subscription is the limit. The answer is cached until shortly before its URLs expire.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import requests
import tidalapi

from shared import models
from shared.catalog.batch import STREAMS
from shared.errors import NotFound
from shared.models import AUDIO_QUALITIES, VIDEO_QUALITIES
from workers import manifests
from workers.jobs.batch import run_chunk
from workers.runtime import tidal_job
from workers.tidal_types import media_id

PLAYBACK = {"playbackmode": "STREAM", "assetpresentation": "FULL"}
BEST = "BEST"  # no quality asked: the best the track and the subscription allow, nothing "downgraded"


def _get(session: tidalapi.Session, path: str, params: dict[str, str], missing: str) -> dict[str, Any]:
    try:
        return session.request.request("GET", path, params=params).json()
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else 0
        if status in (404, 500, 401):  # 500/999 and 401/4005: unknown, or not licensed in the country
            raise NotFound(missing) from None
        raise


def _iso(unix: int | None) -> str | None:
    return datetime.fromtimestamp(unix, UTC).isoformat(timespec="seconds") if unix else None


def _why(session: tidalapi.Session, track_id: int, granted: str, preview: bool) -> str:
    if preview:
        return "the account's subscription only plays 30-second previews"
    best = session.track(media_id(track_id)).audio_quality or granted
    best = "HI_RES_LOSSLESS" if best in ("HI_RES", "HI_RES_LOSSLESS") else best
    if best in AUDIO_QUALITIES and AUDIO_QUALITIES.index(best) <= AUDIO_QUALITIES.index(granted):
        return f"the track is not available above {granted}"
    return f"the account's subscription allows at most {granted}"


@tidal_job("stream.get")
def get_stream(session: tidalapi.Session, track_id: int, quality: str) -> models.Stream:
    """A track's playable stream at ``quality`` (or BEST: the best the track and the subscription allow),
    or the best TIDAL grants below it (1 request; 2 when an explicit quality was not granted)."""
    best = quality == BEST
    asked = "HI_RES_LOSSLESS" if best else quality
    info = _get(
        session,
        f"tracks/{track_id}/playbackinfopostpaywall",
        {**PLAYBACK, "audioquality": asked},
        f"TIDAL has no streamable track {track_id} (it does not exist, is not licensed in the account's "
        "country, or is a video: use tidal_get_video_stream).",
    )
    granted = str(info.get("audioQuality") or asked)
    granted = "HI_RES_LOSSLESS" if granted == "HI_RES" else granted
    preview = info.get("assetPresentation") == "PREVIEW"
    lower = not best and granted in AUDIO_QUALITIES and AUDIO_QUALITIES.index(granted) < AUDIO_QUALITIES.index(asked)
    manifest = manifests.parse(str(info.get("manifestMimeType") or ""), str(info.get("manifest") or ""))
    template = manifest.segment_template
    return models.Stream(
        track_id=int(info.get("trackId") or track_id),
        requested_quality=quality,
        quality=granted,
        downgraded=lower or preview,
        downgrade_reason=_why(session, track_id, granted, preview) if lower or preview else None,
        presentation=str(info.get("assetPresentation") or "FULL"),
        audio_mode=info.get("audioMode"),
        manifest_type=manifest.kind,
        mime_type=manifest.mime_type,
        codec=manifest.codec,
        sample_rate=info.get("sampleRate") or manifest.sample_rate,
        bit_depth=info.get("bitDepth"),
        encryption=manifest.encryption,
        replay_gain=info.get("trackReplayGain"),
        peak=info.get("trackPeakAmplitude"),
        expires_at=_iso(manifest.expires_at),
        urls=manifest.urls,
        mpd=manifest.mpd,
        segment_template=models.SegmentTemplate(**template) if template else None,
    )


@tidal_job("video_stream.get")
def get_video_stream(session: tidalapi.Session, video_id: int, quality: str) -> models.VideoStream:
    """A video's HLS master playlist at ``quality`` or the best below it (1 request)."""
    info = _get(
        session,
        f"videos/{video_id}/playbackinfopostpaywall",
        {**PLAYBACK, "videoquality": quality},
        f"TIDAL has no video {video_id} (for a track, use tidal_get_stream).",
    )
    manifest = manifests.parse(str(info.get("manifestMimeType") or ""), str(info.get("manifest") or ""))
    if not manifest.urls:
        raise NotFound(f"TIDAL offers no stream for video {video_id}.")
    granted = str(info.get("videoQuality") or quality)
    lower = granted in VIDEO_QUALITIES and VIDEO_QUALITIES.index(granted) < VIDEO_QUALITIES.index(quality)
    return models.VideoStream(
        video_id=int(info.get("videoId") or video_id),
        requested_quality=quality,
        quality=granted,
        downgraded=lower,
        presentation=str(info.get("assetPresentation") or "FULL"),
        mime_type=manifest.mime_type,
        url=manifest.urls[0],
        expires_at=_iso(manifest.expires_at),
    )


@tidal_job("streams.chunk")
def streams_chunk(session: tidalapi.Session, values: list[str]) -> models.ChunkAnswer:
    """Up to 5 ``<track id>:<quality>`` streams (1-2 requests each); unknown tracks are "not found"."""

    def fetch(wanted: list[str]) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for value in wanted:
            track_id, _, quality = value.partition(":")
            try:
                stream = get_stream.__wrapped__(session, int(track_id), quality)  # type: ignore[attr-defined]
            except NotFound:
                continue
            found[value] = stream.model_dump(mode="json")
        return found

    return run_chunk("streams.chunk", STREAMS, values, fetch)
