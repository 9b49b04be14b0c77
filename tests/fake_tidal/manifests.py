"""Stream manifests: BTS JSON, DASH MPD (audio) and HLS playlists (video), all with signed URLs.

Formats per quality follow the real captures: LOW AAC ``mp4a.40.5`` (96 kb/s), HIGH AAC
``mp4a.40.2``, LOSSLESS FLAC 16/44.1, HI_RES_LOSSLESS FLAC 24/96 or 24/192 (DASH only). An MPD
starts with exactly ``<?xml version='1.0' encoding='UTF-8'?>`` (tidalapi's DashInfo splits on it).
Manifests served from the CDN (openapi ``trackManifests`` URIs, HLS playlists) are rebuilt from a
key carried in their own path.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
from dataclasses import dataclass

from aiohttp import web

from .cdn import sign
from .common import state_of
from .errors import TidalError
from .model import Track

MPD_HEAD = "<?xml version='1.0' encoding='UTF-8'?>"
PREVIEW_SECONDS = 30
OFFLINE_REVALIDATE_S = 7 * 86_400


@dataclass(frozen=True)
class AudioFormat:
    """One audio rendition: mime, codecs, file extension, bandwidth, sample rate, bit depth."""

    mime: str
    codecs: str
    ext: str
    bandwidth: int
    rate: int
    depth: int
    representation: str


AUDIO: dict[str, AudioFormat] = {
    "LOW": AudioFormat("audio/mp4", "mp4a.40.5", "mp4", 96_982, 44_100, 16, "0"),
    "HIGH": AudioFormat("audio/mp4", "mp4a.40.2", "mp4", 321_170, 44_100, 16, "1"),
    "LOSSLESS": AudioFormat("audio/flac", "flac", "flac", 1_011_520, 44_100, 16, "FLAC,44100,16"),
    "HI_RES_LOSSLESS": AudioFormat("audio/flac", "flac", "flac", 2_822_358, 96_000, 24, "FLAC_HIRES,96000,24"),
}
#: Seconds per DASH segment (the real LOW capture: 176128 / 44100 ≈ 3.99 s).
SEGMENT_S = 4
VIDEO_RESOLUTIONS = {"LOW": (640, 360, 800_000), "MEDIUM": (1280, 720, 2_500_000), "HIGH": (1920, 1080, 5_000_000)}


def hires_rate(track: Track) -> int:
    """96 kHz for most hi-res tracks, 192 kHz for about one in four (deterministic)."""
    return 192_000 if track.id % 4 == 0 else 96_000


def audio_format(track: Track, quality: str) -> AudioFormat:
    """The rendition served for ``quality`` (hi-res at the track's own sample rate)."""
    fmt = AUDIO[quality]
    if quality == "HI_RES_LOSSLESS":
        rate = hires_rate(track)
        return AudioFormat(
            fmt.mime, fmt.codecs, fmt.ext, fmt.bandwidth * rate // 96_000, rate, 24, f"FLAC_HIRES,{rate},24"
        )
    return fmt


def _token(rng: random.Random) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(30)).decode().rstrip("=")


def key_id(track: Track, seed: int) -> str:
    """The (fake) ``keyId`` of an encrypted stream: base64, stable per track."""
    return base64.b64encode(hashlib.sha256(f"{seed}:key:{track.id}".encode()).digest() + b"\x00" * 16).decode()


def bts(
    request: web.Request, track: Track, quality: str, *, preview: bool, encrypted: bool, rng: random.Random
) -> dict:
    """The BTS manifest object (``mimeType``, ``codecs``, ``encryptionType`` [+ ``keyId``], ``urls``)."""
    fmt = AUDIO[quality]
    host = "sp-pr-cf.audio.tidal.com" if preview else "lgf.audio.tidal.com"
    url = sign(request, host, f"mediatracks/{_token(rng)}/0.{fmt.ext}")
    manifest: dict = {"mimeType": fmt.mime, "codecs": fmt.codecs, "encryptionType": "OLD_AES" if encrypted else "NONE"}
    if encrypted:
        manifest["keyId"] = key_id(track, state_of(request).catalog.seed)
    manifest["urls"] = [url]
    return manifest


def _duration(seconds: int) -> str:
    return f"PT{seconds // 60}M{seconds % 60}S" if seconds >= 60 else f"PT{seconds}S"


def mpd(
    request: web.Request, track: Track, qualities: list[str], *, preview: bool, encrypted: bool, rng: random.Random
) -> str:
    """A static DASH MPD with one Representation per quality (best first), fMP4 segments, signed."""
    seconds = PREVIEW_SECONDS if preview else track.duration
    token = _token(rng)
    representations = []
    for quality in qualities:
        fmt = audio_format(track, quality)
        base = f"mediatracks/{token}/{quality.lower()}"
        init = sign(request, "sp-pr-fa.audio.tidal.com", f"{base}/0.mp4", wildcard=True)
        media = init.replace("/0.mp4?", "/$Number$.mp4?")
        segment = SEGMENT_S * fmt.rate
        full, remainder = divmod(seconds * fmt.rate, segment)
        timeline = f'<S d="{segment}" r="{full - 1}"/>' if full > 1 else (f'<S d="{segment}"/>' if full else "")
        if remainder:
            timeline += f'<S d="{remainder}"/>'
        representations.append(
            f'<Representation id="{fmt.representation}" codecs="{fmt.codecs}" bandwidth="{fmt.bandwidth}" '
            f'audioSamplingRate="{fmt.rate}">'
            + (
                '<AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" '
                'value="2"/>'
                if fmt.codecs == "flac"
                else ""
            )
            + f'<SegmentTemplate timescale="{fmt.rate}" initialization="{_xml(init)}" media="{_xml(media)}" '
            f'startNumber="1"><SegmentTimeline>{timeline}</SegmentTimeline></SegmentTemplate></Representation>'
        )
    protection = ""
    if encrypted:
        kid = hashlib.md5(f"kid:{track.id}".encode()).hexdigest()  # noqa: S324 - an identifier, not security
        kid = f"{kid[:8]}-{kid[8:12]}-{kid[12:16]}-{kid[16:20]}-{kid[20:]}"
        protection = (
            f'<ContentProtection schemeIdUri="urn:mpeg:dash:mp4protection:2011" value="cenc" cenc:default_KID="{kid}"/>'
        )
    return (
        MPD_HEAD + '<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:cenc="urn:mpeg:cenc:2013" '
        'xsi:schemaLocation="urn:mpeg:dash:schema:mpd:2011 DASH-MPD.xsd" '
        'profiles="urn:mpeg:dash:profile:isoff-main:2011" type="static" minBufferTime="PT3.993S" '
        f'mediaPresentationDuration="{_duration(seconds)}"><Period id="0">'
        '<AdaptationSet id="0" contentType="audio" mimeType="audio/mp4" segmentAlignment="true">'
        + protection
        + "".join(representations)
        + "</AdaptationSet></Period></MPD>"
    )


def _xml(text: str) -> str:
    return text.replace("&", "&amp;")


def manifest_key(**fields: object) -> str:
    """Encode what a served manifest needs into a path-safe key."""
    return base64.urlsafe_b64encode(json.dumps(fields, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_key(key: str) -> dict:
    try:
        return json.loads(base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)))
    except ValueError:
        raise TidalError(404, 2001, "Manifest not found") from None


def video_master_url(request: web.Request, video_id: int, quality: str) -> str:
    """The signed HLS master playlist URL a video manifest lists."""
    return sign(request, "im-fa.manifest.tidal.com", f"1/manifests/{manifest_key(v=video_id, q=quality)}.m3u8")


def _video_master(request: web.Request, key: str, spec: dict) -> str:
    if spec["q"] == "AUDIO_ONLY":
        inf = '#EXT-X-STREAM-INF:BANDWIDTH=128000,CODECS="mp4a.40.2"'
    else:
        width, height, bandwidth = VIDEO_RESOLUTIONS[spec["q"]]
        inf = f'#EXT-X-STREAM-INF:BANDWIDTH={bandwidth},RESOLUTION={width}x{height},CODECS="avc1.640028,mp4a.40.2"'
    variant = sign(request, "vod-hls.tidal.com", f"videos/{key}/{spec['q'].lower()}.m3u8")
    return f"#EXTM3U\n{inf}\n{variant}\n"


def _media_playlist(request: web.Request, key: str, name: str, seconds: int, ext: str) -> str:
    first = sign(request, "vod-hls.tidal.com", f"videos/{key}/{name}/0.{ext}", wildcard=True)
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:10", "#EXT-X-MEDIA-SEQUENCE:0"]
    for number, start in enumerate(range(0, seconds, 10)):
        lines += [f"#EXTINF:{min(10, seconds - start)}.0,", first.replace(f"/0.{ext}?", f"/{number}.{ext}?")]
    return "\n".join([*lines, "#EXT-X-ENDLIST", ""])


def served_manifest(request: web.Request) -> str:
    """The text behind a signed ``.mpd`` / ``.m3u8`` URL (the key in the path says what it is)."""
    state = state_of(request)
    path = request.path
    if "/manifests/" in path:
        key = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        spec = _decode_key(key)
        if "v" in spec:
            return _video_master(request, key, spec)
        track = state.catalog.tracks[spec["t"]]
        rng = random.Random(f"{state.catalog.seed}:manifest:{key}")
        if path.endswith(".m3u8"):
            return _media_playlist(
                request, key, spec["q"][0].lower(), PREVIEW_SECONDS if spec["p"] else track.duration, "mp4"
            )
        return mpd(request, track, spec["q"], preview=bool(spec["p"]), encrypted=bool(spec["e"]), rng=rng)
    key, name = path.split("/videos/", 1)[1].split("/")[:2]
    spec = _decode_key(key)
    video = state.extras.videos[spec["v"]]
    return _media_playlist(request, key, name.removesuffix(".m3u8"), video.duration, "ts")
