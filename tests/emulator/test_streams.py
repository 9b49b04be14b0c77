"""Playback info, signed expiring media URLs, videos and openapi trackManifests."""

from __future__ import annotations

import base64
import json

import pytest
import requests
import tidalapi
from tidalapi.exceptions import ObjectNotFound
from tidalapi.media import DashInfo, Stream

from tests.emulator.support import Api
from tests.fake_tidal.client import tidal_session
from tests.fake_tidal.manifests import MPD_HEAD


def track_of(emu, quality: str, *, encrypted: bool = False) -> int:
    ext = emu.state.extras
    return next(
        t.id
        for t in emu.state.catalog.tracks.values()
        if t.audio_quality == quality and (t.id in ext.encrypted) == encrypted and t.id not in ext.unavailable
    )


def playback(api: Api, track_id: int, expect: int = 200, **params) -> dict:
    query = {"audioquality": "HIGH", "playbackmode": "STREAM", "assetpresentation": "FULL", **params}
    return api.json("GET", f"/v1/tracks/{track_id}/playbackinfopostpaywall", expect, params=query)


def pkce_session(emu) -> tidalapi.Session:
    session = tidal_session(emu)
    token = session.pkce_get_auth_token("https://tidal.com/android/login/auth?code=CODE")
    assert session.process_auth_token(token, is_pkce_token=True)
    return session


@pytest.mark.parametrize(
    ("quality", "mime", "codecs"),
    [
        ("LOW", "application/vnd.tidal.bts", "mp4a.40.5"),
        ("HIGH", "application/vnd.tidal.bts", "mp4a.40.2"),
        ("LOSSLESS", "application/vnd.tidal.bts", "flac"),
        ("HI_RES_LOSSLESS", "application/dash+xml", "flac"),
    ],
)
def test_device_client_gets_bts_except_hi_res(shared_session, shared_emu, quality, mime, codecs):
    shared_session.audio_quality = quality
    stream = shared_session.track(track_of(shared_emu, "HI_RES_LOSSLESS")).get_stream()
    assert (stream.audio_quality, stream.manifest_mime_type) == (quality, mime)
    manifest = stream.get_stream_manifest()
    if mime == "application/vnd.tidal.bts":
        raw = json.loads(base64.b64decode(stream.manifest))
        assert list(raw) == ["mimeType", "codecs", "encryptionType", "urls"] and raw["codecs"] == codecs
        assert raw["encryptionType"] == "NONE" and (stream.bit_depth, stream.sample_rate) == (16, 44100)
    else:
        assert base64.b64decode(stream.manifest).decode().startswith(MPD_HEAD)
        assert manifest.dash_info.codecs == codecs and stream.bit_depth == 24


@pytest.mark.parametrize("quality", ["LOW", "HIGH", "LOSSLESS", "HI_RES_LOSSLESS"])
def test_pkce_client_gets_dash_for_every_quality(make_emu, quality):
    emu = make_emu()
    session = pkce_session(emu)
    session.audio_quality = quality
    stream = session.track(track_of(emu, "HI_RES_LOSSLESS")).get_stream()
    assert stream.manifest_mime_type == "application/dash+xml" and stream.audio_quality == quality
    manifest = stream.get_stream_manifest()
    expected = {"LOW": "mp4a.40.5", "HIGH": "mp4a.40.2"}.get(quality, "flac")
    assert manifest.dash_info.codecs == expected and len(manifest.urls) > 10


def test_offline_and_preview(emu):
    api = Api(emu)
    track = track_of(emu, "LOSSLESS")
    offline = playback(api, track, audioquality="LOSSLESS", playbackmode="OFFLINE")
    assert offline["manifestMimeType"] == "application/dash+xml"
    assert offline["offlineValidUntil"] > offline["offlineRevalidateAt"] > 0
    parsed = Stream().parse(offline)
    assert parsed.get_stream_manifest().codecs == "FLAC"
    preview = playback(
        api, track_of(emu, "HI_RES_LOSSLESS"), audioquality="HI_RES_LOSSLESS", assetpresentation="PREVIEW"
    )
    assert preview["assetPresentation"] == "PREVIEW"
    assert 'mediaPresentationDuration="PT30S"' in base64.b64decode(preview["manifest"]).decode()
    assert (
        api.call("GET", f"/v1/tracks/{track}/urlpostpaywall", params={"assetpresentation": "PREVIEW"}).status_code
        == 401
    )


def test_subscription_caps_quality(emu, session, control):
    track = track_of(emu, "HI_RES_LOSSLESS")
    api = Api(emu)
    assert playback(api, track, audioquality="HI_RES_LOSSLESS")["audioQuality"] == "HI_RES_LOSSLESS"
    control.post("settings", {"subscription": "HIFI"})
    assert playback(api, track, audioquality="HI_RES_LOSSLESS")["audioQuality"] == "LOSSLESS"
    body = api.json("GET", f"/v1/users/{emu.state.catalog.user.id}/subscription")
    assert body["subscription"]["type"] == "HIFI" and body["highestSoundQuality"] == "LOSSLESS"
    control.post("settings", {"subscription": "FREE"})
    free = playback(api, track, audioquality="LOSSLESS")
    assert (free["audioQuality"], free["assetPresentation"]) == ("HIGH", "PREVIEW")
    assert session.check_login()
    bad = requests.post(f"{emu.url}/_control/settings", json={"subscription": "GOLD"}, timeout=10)
    assert bad.status_code == 400
    control.post("reset", {"state": True})
    assert control.get("settings")["subscription"] == "HIFI_PLUS"


def test_encrypted_streams(emu, session):
    encrypted = track_of(emu, "LOSSLESS", encrypted=True)
    session.audio_quality = "LOSSLESS"
    manifest = session.track(encrypted).get_stream().get_stream_manifest()
    assert manifest.encryption_type == "OLD_AES" and manifest.encryption_key
    url = Api(emu).json("GET", f"/v1/tracks/{encrypted}/urlpostpaywall", params={"audioquality": "LOSSLESS"})
    assert url["securityType"] == "OLD_AES" and url["securityToken"] == manifest.encryption_key
    session.audio_quality = "HI_RES_LOSSLESS"
    hires = session.track(track_of(emu, "HI_RES_LOSSLESS", encrypted=True)).get_stream()
    assert 'value="cenc"' in base64.b64decode(hires.manifest).decode()
    assert hires.get_stream_manifest().urls  # tidalapi still parses the protected MPD


def test_unlicensed_and_unknown_tracks(shared_session, shared_catalog):
    blocked = shared_catalog["unavailable_track_ids"][0]
    track = shared_session.track(blocked)
    with pytest.raises(requests.HTTPError) as info:
        track.get_stream()
    assert info.value.response.json() == {"status": 500, "subStatus": 999, "userMessage": "Unexpected error occurred."}
    shared_session.audio_quality = "LOSSLESS"
    with pytest.raises(requests.HTTPError) as info:
        track.get_url()
    assert info.value.response.json()["subStatus"] == 4005


def test_signed_urls_serve_bytes_until_they_expire(emu, session, control):
    session.audio_quality = "LOSSLESS"
    url = session.track(track_of(emu, "LOSSLESS")).get_url()
    media = requests.get(url, timeout=10)
    assert media.status_code == 200 and media.content[:4] == b"fLaC" and media.headers["Content-Type"] == "audio/flac"
    assert requests.get(url, timeout=10).content == media.content  # deterministic
    part = requests.get(url, headers={"Range": "bytes=0-3"}, timeout=10)
    assert part.status_code == 206 and part.content == b"fLaC"
    expiry, _, sig = url.split("token=")[1].partition("~")
    forged = requests.get(url.replace(f"token={expiry}", f"token={int(expiry) + 1000}"), timeout=10)
    assert forged.status_code == 403 and forged.json()["userMessage"] == "Invalid signature"
    control.post("settings", {"url_lifetime": 0})
    expired_url = session.track(track_of(emu, "LOSSLESS")).get_url()
    expired = requests.get(expired_url, timeout=10)
    assert expired.status_code == 403 and expired.json()["userMessage"] == "URL has expired"
    assert control.get("counters")["routes"]["GET /cdn/{host}/{path}"] >= 4


def test_dash_segments_share_a_wildcard_token(emu, session):
    session.audio_quality = "HI_RES_LOSSLESS"
    urls = session.track(track_of(emu, "HI_RES_LOSSLESS")).get_stream().get_stream_manifest().urls
    for url in (urls[0], urls[5], urls[-1]):
        response = requests.get(url, timeout=10)
        assert response.status_code == 200 and response.content[:12] == b"\x00\x00\x00\x18ftypiso6"
    outside = urls[3].replace("/mediatracks/", "/othertracks/")
    assert requests.get(outside, timeout=10).status_code == 403


def test_videos_playback_and_hls(emu, session):
    ext = emu.state.extras
    hd = next(v for v in ext.videos.values() if v.quality == "MP4_720P")
    video = session.video(hd.id)
    assert isinstance(video, tidalapi.Video) and video.title == hd.title and video.video_quality == "MP4_720P"
    master_url = video.get_url()
    master = requests.get(master_url, timeout=10)
    assert master.status_code == 200 and master.text.startswith("#EXTM3U") and "RESOLUTION=1280x720" in master.text
    variant = requests.get(master.text.strip().splitlines()[-1], timeout=10)
    segments = [line for line in variant.text.splitlines() if line.startswith("http")]
    assert variant.status_code == 200 and "#EXT-X-ENDLIST" in variant.text and len(segments) >= hd.duration // 10
    assert requests.get(segments[-1], timeout=10).content[:1] == b"\x47"
    api = Api(emu)
    info = api.json("GET", f"/v1/videos/{hd.id}/playbackinfopostpaywall", params={"videoquality": "HIGH"})
    assert info["videoQuality"] == "MEDIUM" and info["manifestMimeType"] == "application/vnd.tidal.emu"
    emu_manifest = json.loads(base64.b64decode(info["manifest"]))
    assert emu_manifest["mimeType"] == "application/vnd.apple.mpegurl" and len(emu_manifest["urls"]) == 1
    audio = api.json("GET", f"/v1/videos/{hd.id}/playbackinfo", params={"videoquality": "AUDIO_ONLY"})
    audio_master = requests.get(json.loads(base64.b64decode(audio["manifest"]))["urls"][0], timeout=10).text
    assert 'CODECS="mp4a.40.2"' in audio_master and "RESOLUTION" not in audio_master
    with pytest.raises(ObjectNotFound):
        session.video(1)


def manifest_params(**overrides) -> dict:
    return {
        "manifestType": "MPEG_DASH",
        "formats": "HEAACV1,AACLC,FLAC,FLAC_HIRES",
        "uriScheme": "HTTPS",
        "usage": "PLAYBACK",
        "adaptive": "true",
        **overrides,
    }


def test_openapi_track_manifests(emu, control):
    api = Api(emu)
    hires, lossless = track_of(emu, "HI_RES_LOSSLESS"), track_of(emu, "LOSSLESS")
    body = api.json("GET", f"/openapi/v2/trackManifests/{hires}", params=manifest_params())
    attributes = body["data"]["attributes"]
    assert (
        attributes["formats"] == ["HEAACV1", "AACLC", "FLAC", "FLAC_HIRES"]
        and attributes["trackPresentation"] == "FULL"
    )
    mpd = requests.get(attributes["uri"], timeout=10)
    assert mpd.status_code == 200 and mpd.text.startswith(MPD_HEAD)
    assert DashInfo.from_mpd(mpd.text).codecs == "flac" and mpd.text.count("<Representation") == 4
    single = api.json("GET", f"/openapi/v2/trackManifests/{lossless}", params=manifest_params(adaptive="false"))
    assert single["data"]["attributes"]["formats"] == ["FLAC"]
    data = api.json("GET", f"/openapi/v2/trackManifests/{lossless}", params=manifest_params(uriScheme="DATA"))
    prefix = "data:application/dash+xml;base64,"
    assert data["data"]["attributes"]["uri"].startswith(prefix)
    assert base64.b64decode(data["data"]["attributes"]["uri"][len(prefix) :]).decode().startswith(MPD_HEAD)
    hls = api.json("GET", f"/openapi/v2/trackManifests/{lossless}", params=manifest_params(manifestType="HLS"))
    assert requests.get(hls["data"]["attributes"]["uri"], timeout=10).text.startswith("#EXTM3U")
    missing = api.call(
        "GET", f"/openapi/v2/trackManifests/{lossless}", params=manifest_params(usage=None) | {"usage": ""}
    )
    assert missing.status_code == 400 and missing.json()["errors"][0]["source"] == {"parameter": "usage"}
    blocked = control.get("catalog")["unavailable_track_ids"][0]
    geo = api.call("GET", f"/openapi/v2/trackManifests/{blocked}", params=manifest_params())
    assert geo.status_code == 403 and geo.json()["errors"][0]["code"] == "GEO_RESTRICTED"
    unknown = api.call("GET", "/openapi/v2/trackManifests/1", params=manifest_params())
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["code"] == "CONTENT_NOT_FOUND"
    atmos_only = api.call("GET", f"/openapi/v2/trackManifests/{lossless}", params=manifest_params(formats="EAC3_JOC"))
    assert atmos_only.status_code == 404
    control.post("settings", {"subscription": "FREE"})
    free = api.json("GET", f"/openapi/v2/trackManifests/{hires}", params=manifest_params())["data"]["attributes"]
    assert free["trackPresentation"] == "PREVIEW" and free["previewReason"] == "FULL_REQUIRES_SUBSCRIPTION"
    assert free["formats"] == ["HEAACV1", "AACLC"]
