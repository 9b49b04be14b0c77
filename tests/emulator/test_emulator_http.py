"""The emulator over plain HTTP: error bodies, faults, rate limit, counters, control API, CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.fake_tidal import shapes
from tests.fake_tidal.client import Control

REPO_ROOT = Path(__file__).resolve().parents[2]
PARAMS = {"countryCode": "US", "sessionId": "s", "limit": 1000}


class Api:
    """Bearer-authenticated raw HTTP against one emulator."""

    def __init__(self, emu) -> None:
        self.base = emu.url
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {emu.issue_tokens()['access_token']}"

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.http.request(
            method, f"{self.base}{path}", params={**PARAMS, **kwargs.pop("params", {})}, timeout=10, **kwargs
        )


@pytest.fixture
def api(emu) -> Api:
    return Api(emu)


def some_track(control: Control) -> int:
    return control.get("catalog")["track_ids"][0]


# -- errors are always JSON -----------------------------------------------------------------


def test_unknown_route_405_and_crash_are_json(api, control, monkeypatch):
    unknown = api.call("GET", "/v1/definitely/not/here")
    assert unknown.status_code == 404 and unknown.json()["subStatus"] == 2001
    not_allowed = api.call("PATCH", "/v1/sessions")
    assert not_allowed.status_code == 405 and not_allowed.json()["status"] == 405
    track_id = some_track(control)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(shapes, "track_json", broken)
    crash = api.call("GET", f"/v1/tracks/{track_id}")
    assert crash.status_code == 500
    assert crash.json() == {"status": 500, "subStatus": 999, "userMessage": "Unexpected error occurred."}


def test_missing_and_expired_bearer(emu, api, control):
    bare = requests.get(f"{emu.url}/v1/sessions", params=PARAMS, timeout=10)
    assert (bare.status_code, bare.json()["subStatus"]) == (401, 11002)
    control.post("tokens/expire")
    expired = api.call("GET", "/v1/sessions")
    assert expired.status_code == 401
    assert expired.json() == {
        "status": 401,
        "subStatus": 11003,
        "userMessage": "The token has expired. (Expired on time)",
    }
    openapi = api.call("GET", "/openapi/v2/tracks", params={"filter[isrc]": "USAAA0000001"})
    assert openapi.status_code == 401 and openapi.json()["errors"][0]["status"] == "401"


def test_not_found_messages_name_the_object(api):
    assert api.call("GET", "/v1/tracks/123").json() == {
        "status": 404,
        "subStatus": 2001,
        "userMessage": "Track [123] not found",
    }
    assert api.call("GET", "/v1/albums/5").json()["userMessage"] == "Album [5] not found"
    assert api.call("GET", "/v1/artists/abc").json()["userMessage"] == "Artist [abc] not found"


def test_openapi_bad_isrc_uses_the_errors_shape(api):
    response = api.call("GET", "/openapi/v2/tracks", params={"filter[isrc]": "BAD"})
    assert response.status_code == 400 and response.headers["Content-Type"].startswith("application/vnd.api+json")
    error = response.json()["errors"][0]
    assert (error["status"], error["code"]) == ("400", "VALUE_REGEX_MISMATCH")
    assert error["detail"] == "filter[isrc] must match ^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$"


# -- rate limit and faults ------------------------------------------------------------------


def test_rate_limit_option_answers_429_with_integer_retry_after(make_emu):
    emu = make_emu(rate_limit=1)  # burst max(1, R) = 1: the second request in a row is over
    api = Api(emu)
    assert api.call("GET", "/v1/sessions").status_code == 200
    limited = api.call("GET", "/v1/sessions")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json() == {"status": 429, "subStatus": -1, "userMessage": "Rate limit exceeded"}
    openapi = api.call("GET", "/openapi/v2/tracks", params={"filter[isrc]": "USAAA0000001"})
    assert openapi.status_code == 429
    assert openapi.json() == {"errors": [{"status": "429", "detail": "Rate limit exceeded"}]}
    # 429s are TIDAL traffic too: counted before the limiter answered.
    assert Control(emu.url).get("counters")["routes"]["GET /v1/sessions"] == 2


def test_error_injection_honours_path_regex(api, control):
    control.post("faults", {"error_rate": 1.0, "path_regex": r"^/v1/tracks/"})
    track_id = some_track(control)
    failed = api.call("GET", f"/v1/tracks/{track_id}")
    assert failed.status_code == 503
    assert failed.json() == {"status": 503, "subStatus": -1, "userMessage": "Service unavailable"}
    assert api.call("GET", f"/v1/albums/{control.get('catalog')['album_ids'][0]}").status_code == 200
    assert control.get("faults")["error_rate"] == 1.0
    control.delete("faults")
    assert api.call("GET", f"/v1/tracks/{track_id}").status_code == 200
    assert control.get("faults")["error_rate"] == 0.0


def test_error_status_is_configurable(api, control):
    control.post("faults", {"error_rate": 1.0, "error_status": 500})
    response = api.call("GET", f"/v1/tracks/{some_track(control)}")
    assert response.status_code == 500 and response.json()["userMessage"] == "Internal server error"


def test_latency_and_stall_delay_responses(api, control):
    track_id = some_track(control)
    control.post("faults", {"latency_ms": 150})
    started = time.monotonic()
    assert api.call("GET", f"/v1/tracks/{track_id}").status_code == 200
    assert time.monotonic() - started >= 0.15
    control.post("faults", {"latency_ms": 0, "stall_rate": 1.0, "stall_ms": 200})
    started = time.monotonic()
    assert api.call("GET", f"/v1/tracks/{track_id}").status_code == 200
    assert time.monotonic() - started >= 0.2


def test_latency_option_delays_tidal_routes_not_control(make_emu):
    emu = make_emu(latency_ms=300)
    api = Api(emu)
    started = time.monotonic()
    assert api.call("GET", "/v1/sessions").status_code == 200
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    Control(emu.url).get("health")
    assert time.monotonic() - started < 0.3


def test_bad_fault_bodies_are_rejected(emu):
    for body in ({"error_rate": 2}, {"nonsense": 1}, {"error_status": 200}, {"rate_limit": 0}):
        response = requests.post(f"{emu.url}/_control/faults", json=body, timeout=10)
        assert response.status_code == 400, body
        assert response.json()["status"] == 400


# -- counters and control -------------------------------------------------------------------


def test_control_api_is_not_counted_and_unknown_routes_are(api, control):
    control.get("health")
    control.get("catalog")
    assert control.get("counters")["total"] == 0
    api.call("GET", "/v1/nope")
    counters = control.get("counters")
    assert counters["total"] == 1 and counters["routes"] == {"GET <unknown>": 1}
    assert counters["paths"] == {"GET /v1/nope": 1}


def test_reset_with_state_restores_playlists_favorites_and_tokens(emu, api, control):
    key = control.get("catalog")["user_playlist_uuids"][0]
    before = control.get(f"snapshot/playlist/{key}")
    created = api.call(
        "PUT",
        "/v2/my-collection/playlists/folders/create-playlist",
        params={"name": "Temp", "description": "", "folderId": "root"},
    )
    assert created.status_code == 200
    assert api.call("DELETE", f"/v1/playlists/{key}").status_code == 204
    favorite = emu.state.catalog.favorite_tracks[0].id
    assert api.call("DELETE", f"/v1/users/{emu.state.catalog.user.id}/favorites/tracks/{favorite}").status_code == 200
    assert control.post("reset", {"state": True}) == {"ok": True, "state_reset": True}
    catalog = control.get("catalog")
    assert key in catalog["user_playlist_uuids"] and len(catalog["user_playlist_uuids"]) == 4
    assert control.get(f"snapshot/playlist/{key}") == before
    assert api.call("GET", "/v1/sessions").status_code == 401  # tokens were reset too
    fresh = Api(emu)
    favorites = fresh.call("GET", f"/v1/users/{emu.state.catalog.user.id}/favorites/tracks").json()
    assert favorites["totalNumberOfItems"] == 150


def test_catalog_and_snapshots(control):
    catalog = control.get("catalog")
    assert catalog["user_id"] == 197368910 and catalog["country_code"] == "US"
    for kind in ("track_ids", "album_ids", "artist_ids", "playlist_uuids"):
        assert catalog[kind] == sorted(catalog[kind])
    assert catalog["counts"]["tracks"] == len(catalog["track_ids"]) >= 2000
    album = control.get(f"snapshot/album/{catalog['album_ids'][0]}")
    assert len(album["trackIds"]) == album["numberOfTracks"]
    artist = control.get(f"snapshot/artist/{catalog['artist_ids'][0]}")
    assert artist["albumIds"] and artist["topTrackIds"]
    missing = requests.get(f"{control.base}/snapshot/track/1", timeout=10)
    assert missing.status_code == 404 and missing.json()["userMessage"] == "Track [1] not found"


def test_snapshot_is_exactly_what_v1_serves(api, control):
    catalog = control.get("catalog")
    track_id, album_id = catalog["track_ids"][42], catalog["album_ids"][7]
    assert control.get(f"snapshot/track/{track_id}") == api.call("GET", f"/v1/tracks/{track_id}").json()
    album = control.get(f"snapshot/album/{album_id}")
    assert album.pop("trackIds") and album == api.call("GET", f"/v1/albums/{album_id}").json()
    key = catalog["user_playlist_uuids"][1]
    playlist = control.get(f"snapshot/playlist/{key}")
    playlist.pop("trackIds")
    served = api.call("GET", f"/v1/playlists/{key}")
    assert playlist.pop("etag") == served.headers["ETag"]
    assert playlist == served.json()


def test_device_approve_all_and_unknown_code(emu, control):
    codes = [
        requests.post(f"{emu.url}/auth/v1/oauth2/device_authorization", data={"client_id": "x"}, timeout=10).json()
        for _ in range(2)
    ]
    assert sorted(control.post("device/approve")["approved"]) == sorted(c["userCode"] for c in codes)
    unknown = requests.post(f"{control.base}/device/approve", json={"user_code": "NOPE1"}, timeout=10)
    assert unknown.status_code == 404 and unknown.json()["status"] == 404


def test_playlist_write_responses_carry_the_new_etag(api, control):
    key = control.get("catalog")["user_playlist_uuids"][2]
    etag = api.call("GET", f"/v1/playlists/{key}").headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    missing = api.call("DELETE", f"/v1/playlists/{key}/items/0")
    assert missing.status_code == 412
    assert missing.json() == {
        "status": 412,
        "subStatus": 7002,
        "userMessage": "You must send the correct Etag value in the If-None-Match header to modify a playlist",
    }
    removed = api.call("DELETE", f"/v1/playlists/{key}/items/0", headers={"If-None-Match": etag})
    assert removed.status_code == 200 and removed.headers["ETag"] != etag
    out_of_range = api.call(
        "DELETE", f"/v1/playlists/{key}/items/9999", headers={"If-None-Match": removed.headers["ETag"]}
    )
    assert out_of_range.status_code == 400


def test_cannot_modify_editorial_playlists(api, emu):
    editorial = next(p for p in emu.state.playlists.values() if p.creator_id == 0)
    response = api.call(
        "POST",
        f"/v1/playlists/{editorial.uuid}/items",
        data={"trackIds": "1"},
        headers={"If-None-Match": editorial.etag},
    )
    assert response.status_code == 403 and response.json()["status"] == 403


def test_favorites_accept_plural_form_fields(emu, api):
    user_id = emu.state.catalog.user.id
    present = {f.id for f in emu.state.catalog.favorite_artists}
    new = [a for a in emu.state.catalog.artists if a not in present][:2]
    response = api.call("POST", f"/v1/users/{user_id}/favorites/artists", data={"artistIds": ",".join(map(str, new))})
    assert response.status_code == 200
    listed = api.call("GET", f"/v1/users/{user_id}/favorites/artists", params={"limit": 100}).json()
    assert listed["totalNumberOfItems"] == len(present) + 2
    assert {i["item"]["id"] for i in listed["items"]} >= set(new)


# -- command line ---------------------------------------------------------------------------


def test_command_line_prints_the_port_serves_and_exits_on_sigterm():
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_tidal", "--port", "0", "--seed", "7", "--auto-approve"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("fake-tidal listening on http://127.0.0.1:")
        base = line.rsplit(" ", 1)[-1]
        assert requests.get(f"{base}/_control/health", timeout=10).json() == {"ok": True}
        catalog = requests.get(f"{base}/_control/catalog", timeout=10).json()
        assert catalog["counts"]["albums"] >= 200
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    assert proc.stdout.read() == ""  # only the one line on stdout; logs go to stderr
