"""Playback manifests parsed by us, on the real captures (tidalapi 0.8.11's own helpers raise on them)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from shared.errors import UpstreamUnavailable
from workers.manifests import parse, url_expiry

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tidal_responses"


def capture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def test_a_real_bts_manifest_gives_its_url_codec_and_expiry():
    info = capture("v1_playbackinfo_lossless_bts.json")
    manifest = parse(info["manifestMimeType"], info["manifest"])
    assert (manifest.kind, manifest.mime_type, manifest.codec, manifest.encryption) == (
        "BTS",
        "audio/flac",
        "flac",
        "NONE",
    )
    assert len(manifest.urls) == 1 and manifest.urls[0].startswith("https://lgf.audio.tidal.com/")
    assert manifest.expires_at == 1766870057


def test_a_real_dash_manifest_gives_its_template_segments_and_expiry():
    info = capture("v1_playbackinfo_dash_low_anonymized.json")
    manifest = parse(info["manifestMimeType"], info["manifest"])
    assert (manifest.kind, manifest.codec, manifest.sample_rate, manifest.encryption) == (
        "DASH",
        "mp4a.40.5",
        44100,
        "NONE",
    )
    template = manifest.segment_template
    assert template is not None and "$Number$" in template["media"]
    assert (template["start_number"], template["timescale"], template["segments"]) == (1, 44100, 58)
    assert manifest.mpd and manifest.mpd.startswith("<?xml") and manifest.expires_at == 1638976599


def test_a_real_video_manifest_is_an_hls_master():
    info = capture("v1_video_playbackinfo.json")
    manifest = parse(info["manifestMimeType"], info["manifest"])
    assert manifest.kind == "HLS" and ".m3u8?token=" in manifest.urls[0]
    assert manifest.expires_at == 1772574630


@pytest.mark.parametrize(
    ("url", "expiry"),
    [
        ("https://x/0.flac?token=1766870057~NTVi", 1766870057),
        ("https://x/0.flac?token=garbage", None),
        ("https://x/0.flac", None),
    ],
)
def test_url_expiry(url, expiry):
    assert url_expiry(url) == expiry


def test_unreadable_manifests_are_a_clear_upstream_error():
    with pytest.raises(UpstreamUnavailable, match="unreadable"):
        parse("application/dash+xml", base64.b64encode(b"<MPD").decode())
    with pytest.raises(UpstreamUnavailable, match="unreadable"):
        parse("application/vnd.tidal.bts", base64.b64encode(b"{not json").decode())
