"""Every key of a REAL TIDAL response exists in the emulator's response of the same kind.

Types must agree recursively: dicts by key, lists by their first elements when both are
non-empty, int and float both count as "number", and a real ``null`` matches any type (the
key must still exist). The real responses live in tests/fixtures/tidal_responses/ (see
PROVENANCE.md); one test per fixture so a failure names the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.fake_tidal import EmulatorOptions, FakeTidal
from tests.fake_tidal.catalog import Catalog

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tidal_responses"


def json_type(value: Any) -> str:
    """The JSON type name, with int and float merged into "number"."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def shape_mismatches(real: Any, emulated: Any, path: str = "$") -> list[str]:
    """Where ``emulated`` lacks a key of ``real`` or has another JSON type there."""
    if real is None:
        return []
    if json_type(real) != json_type(emulated):
        return [f"{path}: real {json_type(real)}, emulator {json_type(emulated)}"]
    if isinstance(real, dict):
        problems = []
        for key, value in real.items():
            if key not in emulated:
                problems.append(f"{path}.{key}: missing")
            else:
                problems.extend(shape_mismatches(value, emulated[key], f"{path}.{key}"))
        return problems
    if isinstance(real, list) and real and emulated:
        return shape_mismatches(real[0], emulated[0], f"{path}[0]")
    return []


class Fetcher:
    """Fetches the emulator's counterpart of each fixture over HTTP."""

    def __init__(self, emu: FakeTidal) -> None:
        self.emu = emu
        self.base = emu.url
        self.catalog: Catalog = emu.state.catalog
        self.http = requests.Session()
        self.tokens = emu.issue_tokens()
        self.http.headers["Authorization"] = f"Bearer {self.tokens['access_token']}"
        self.params = {"countryCode": "US", "sessionId": "fidelity", "limit": 1000}

    def get(self, path: str, expect: int = 200, **params: Any) -> Any:
        response = self.http.get(f"{self.base}{path}", params={**self.params, **params}, timeout=10)
        assert response.status_code == expect, response.text
        return response.json()

    def auth(self, form: dict[str, str], expect: int = 200, path: str = "token") -> Any:
        response = requests.post(f"{self.base}/auth/v1/oauth2/{path}", data=form, timeout=10)
        assert response.status_code == expect, response.text
        return response.json()

    def track_id(self, quality: str = "LOSSLESS", *, versioned: bool = False) -> int:
        """A track of ``quality`` with a key (and a version when asked), like the real ones."""
        return next(
            t.id
            for t in self.catalog.tracks.values()
            if t.audio_quality == quality and t.bpm is not None and (t.version is not None) == versioned
        )

    def album_id(self, *, versioned: bool = False) -> int:
        return next(a.id for a in self.catalog.albums.values() if (a.version is not None) == versioned)

    def editorial_uuid(self) -> str:
        """An editorial playlist whose first track has a key and bpm (as the real excerpt's does)."""
        return next(
            p.uuid
            for p in self.catalog.playlists.values()
            if p.creator_id == 0 and self.catalog.tracks[p.items[0].track_id].bpm is not None
        )

    def playbackinfo(self, quality: str) -> Any:
        return self.get(
            f"/v1/tracks/{self.track_id(quality)}/playbackinfopostpaywall",
            audioquality=quality,
            playbackmode="STREAM",
            assetpresentation="FULL",
        )

    def device_code(self) -> str:
        return self.auth({"client_id": "fidelity", "scope": "r_usr w_usr w_sub"}, path="device_authorization")[
            "deviceCode"
        ]

    def device_poll(self, device_code: str, expect: int) -> Any:
        form = {
            "device_code": device_code,
            "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
            "client_id": "fidelity",
            "scope": "r_usr w_usr w_sub",
        }
        return self.auth(form, expect=expect)

    def device_token(self) -> Any:
        code = self.device_code()
        self.device_poll(code, 400)  # auto-approve: the first poll is pending
        return self.device_poll(code, 200)

    def expired_401(self) -> Any:
        tokens = self.emu.issue_tokens()
        with self.emu.state.lock:
            self.emu.state.tokens[tokens["access_token"]].expires_at = 0.0
        response = requests.get(
            f"{self.base}/v1/tracks/{self.track_id()}",
            params=self.params,
            timeout=10,
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        )
        assert response.status_code == 401
        return response.json()

    def invalid_401(self) -> Any:
        response = requests.get(
            f"{self.base}/v1/sessions", params=self.params, timeout=10, headers={"Authorization": "Bearer nonsense"}
        )
        assert response.status_code == 401
        return response.json()

    def pkce_sessions(self) -> Any:
        """GET /v1/sessions with a token from the PKCE (full app) client."""
        token = self.auth({"grant_type": "authorization_code", "code": "fidelity", "client_id": "fidelity"})
        response = requests.get(
            f"{self.base}/v1/sessions",
            params=self.params,
            timeout=10,
            headers={"Authorization": f"Bearer {token['access_token']}"},
        )
        assert response.status_code == 200
        return response.json()

    def created_playlist(self) -> Any:
        response = self.http.put(
            f"{self.base}/v2/my-collection/playlists/folders/create-playlist",
            params={**self.params, "name": "title", "description": "desc", "folderId": "root"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def track_on_versioned_album(self) -> int:
        """A track with a key whose album has a version (the real track's album has one)."""
        return next(
            t.id
            for t in self.catalog.tracks.values()
            if t.bpm is not None and self.catalog.albums[t.album_id].version is not None
        )

    def first_with(self, path: Callable[[int], str], wanted: Callable[[Any], bool], **params: Any) -> Any:
        """The first response (over the catalog's tracks) whose body satisfies ``wanted``."""
        for track_id in list(self.catalog.tracks)[:400]:
            body = self.get(path(track_id), **params)
            if wanted(body):
                return body
        raise AssertionError("no track gives a response like the real one")

    def artist_with_videos(self) -> int:
        return next(a for a, videos in self.emu.state.extras.videos_by_artist.items() if len(videos) >= 2)

    def mix_page(self) -> Any:
        """pages/mix for the radio of a track whose main artist has a picture (as the real one's)."""
        track = next(
            t for t in self.catalog.tracks.values() if self.catalog.artists[t.credits[0].artist_id].picture is not None
        )
        return self.get("/v1/pages/mix", mixId=track.mix_id, deviceType="BROWSER")

    def box_set_id(self) -> int:
        """The one album longer than an openapi page (46 tracks)."""
        return next(a.id for a in self.catalog.albums.values() if len(a.track_ids) > 40)

    def album_items_page(self, index: int) -> Any:
        """Page ``index`` (-1: the last) of the box set's items relationship, with items.artists."""
        path = f"/openapi/v2/albums/{self.box_set_id()}/relationships/items"
        page = self.get(path, include="items.artists")
        pages = [page]
        while "next" in page["links"]:
            cursor = page["links"]["meta"]["nextCursor"]
            page = self.get(path, include="items.artists", **{"page[cursor]": cursor})
            pages.append(page)
        assert len(pages) == 3
        return pages[1] if index == 0 else pages[index]

    def artist_without_similar(self) -> int:
        return next(a for a, similar in self.catalog.similar_artists.items() if not similar)


# fixture file → how to fetch the emulator's response of the same kind
COUNTERPARTS: dict[str, Callable[[Fetcher], Any]] = {
    "v1_track.json": lambda f: f.get(f"/v1/tracks/{f.track_id(versioned=True)}"),
    "v1_album.json": lambda f: f.get(f"/v1/albums/{f.album_id(versioned=True)}"),
    "v1_album_ok_computer.json": lambda f: f.get(f"/v1/albums/{f.album_id()}"),
    "v1_album_various_artists_picture_null.json": lambda f: f.get(f"/v1/albums/{f.album_id()}"),
    "v1_album_360ra_sorted_keys.json": lambda f: f.get(f"/v1/albums/{f.album_id()}"),
    "v1_album_items_excerpt.json": lambda f: f.get(f"/v1/albums/{f.album_id()}/items", limit=100, offset=0)["items"],
    "v1_artist.json": lambda f: f.get(f"/v1/artists/{next(iter(f.catalog.artists))}"),
    "v1_playlist.json": lambda f: f.get(f"/v1/playlists/{f.editorial_uuid()}"),
    "v1_playlist_items_excerpt.json": lambda f: f.get(f"/v1/playlists/{f.editorial_uuid()}/items", limit=100)["items"],
    "v1_playlist_created.json": Fetcher.created_playlist,
    "v1_search.json": lambda f: f.get("/v1/search", query="night", types="tracks", limit=50, offset=0),
    "v1_sessions.json": lambda f: f.get("/v1/sessions"),
    "v1_sessions_2.json": Fetcher.pkce_sessions,
    "v1_lyrics.json": lambda f: f.get(
        f"/v1/tracks/{next(t.id for t in f.catalog.tracks.values() if t.has_lyrics)}/lyrics"
    ),
    "v1_playbackinfo.json": lambda f: f.playbackinfo("HIGH"),
    "v1_playbackinfo_lossless_bts.json": lambda f: f.playbackinfo("LOSSLESS"),
    "v1_playbackinfo_dash_low_anonymized.json": lambda f: f.playbackinfo("HI_RES_LOSSLESS"),
    "v1_playbackinfo_offline_manifest_truncated.json": lambda f: f.get(
        f"/v1/tracks/{f.track_id('LOSSLESS')}/playbackinfo",
        audioquality="LOSSLESS",
        playbackmode="OFFLINE",
        assetpresentation="FULL",
    ),
    "v1_video_playbackinfo.json": lambda f: f.get(
        f"/v1/videos/{min(f.emu.state.extras.videos)}/playbackinfo",
        videoquality="HIGH",
        playbackmode="STREAM",
        assetpresentation="FULL",
    ),
    "openapi_v2_trackManifests.json": lambda f: f.get(
        f"/openapi/v2/trackManifests/{f.track_id('HI_RES_LOSSLESS')}",
        uriScheme="HTTPS",
        adaptive="true",
        formats="AACLC,EAC3_JOC,FLAC,FLAC_HIRES,HEAACV1",
        usage="PLAYBACK",
        manifestType="MPEG_DASH",
    ),
    "v1_album_credits.json": lambda f: f.get(f"/v1/albums/{f.album_id()}/credits"),
    "v1_album_items_credits.json": lambda f: f.get(f"/v1/albums/{f.album_id()}/items/credits", limit=2),
    "v1_artist_videos.json": lambda f: f.get(f"/v1/artists/{f.artist_with_videos()}/videos", limit=2),
    "v1_artist_links.json": lambda f: f.get(f"/v1/artists/{next(iter(f.catalog.artists))}/links"),
    "v1_artist_mix.json": lambda f: f.get(f"/v1/artists/{next(iter(f.catalog.artists))}/mix"),
    "v1_artist_bio.json": lambda f: f.get(f"/v1/artists/{next(iter(f.catalog.artists))}/bio"),
    "v1_track_mix.json": lambda f: f.get(f"/v1/tracks/{f.track_id()}/mix"),
    "v1_track_contributors.json": lambda f: f.get(f"/v1/tracks/{f.track_id()}/contributors", limit=10),
    "v1_track_recommendations_excerpt.json": lambda f: f.first_with(
        lambda t: f"/v1/tracks/{t}/recommendations", lambda b: b["items"][0]["track"]["bpm"] is not None, limit=20
    ),
    "v1_mix_items.json": lambda f: f.first_with(
        lambda t: f"/v1/mixes/{f.catalog.tracks[t].mix_id}/items",
        lambda b: b["items"][0]["item"]["album"]["videoCover"] is not None and b["items"][0]["item"]["bpm"] is not None,
    ),
    "v1_page_home.json": lambda f: f.get("/v1/pages/home", deviceType="BROWSER"),
    "v1_page_mix_header_mix_object.json": lambda f: f.mix_page()["rows"][0]["modules"][0]["mix"],
    "v1_page_mix_tracklist_items_excerpt.json": lambda f: f.mix_page()["rows"][1]["modules"][0]["pagedList"]["items"],
    "v1_page_videos_VIDEO_LIST_module_excerpt.json": lambda f: f.get("/v1/pages/videos", deviceType="BROWSER")["rows"][
        0
    ]["modules"][0],
    "oauth_device_authorization.json": lambda f: f.auth(
        {"client_id": "fidelity", "scope": "r_usr w_usr w_sub"}, path="device_authorization"
    ),
    "oauth_token.json": Fetcher.device_token,
    "oauth_refresh.json": lambda f: f.auth({"grant_type": "refresh_token", "refresh_token": f.tokens["refresh_token"]}),
    "oauth_error_pending.json": lambda f: f.device_poll(f.device_code(), 400),
    "oauth_error_invalid_client.json": lambda f: f.auth({"scope": "r_usr"}, expect=401, path="device_authorization"),
    "error_401_expired.json": Fetcher.expired_401,
    "error_401_invalid_token_6004.json": Fetcher.invalid_401,
    "error_404.json": lambda f: f.get(f"/v1/artists/{f.artist_without_similar()}/similar", expect=404),
    "openapi_v2_tracks.json": lambda f: f.get(
        f"/openapi/v2/tracks/{f.track_on_versioned_album()}", include="albums.coverArt,artists,genres", locale="en-US"
    ),
    "openapi_v2_albums.json": lambda f: f.get(
        f"/openapi/v2/albums/{f.album_id(versioned=True)}", include="artists,coverArt,genres"
    ),
    "openapi_v2_albums_filter_barcodeId_811408033985.json": lambda f: f.get(
        "/openapi/v2/albums", **{"filter[barcodeId]": f.catalog.albums[f.album_id()].upc}
    ),
    "openapi_v2_albums_filter_id_396698918_US.json": lambda f: f.get(
        "/openapi/v2/albums", **{"filter[id]": f.box_set_id(), "include": "artists,coverArt,items.artists,providers"}
    ),
    "openapi_v2_album_items_cursor_3nI1Esi.json": lambda f: f.album_items_page(0),
    "openapi_v2_album_items_cursor_3nI1F0y_last.json": lambda f: f.album_items_page(-1),
    "openapi_v2_videos_filter_id_358461354_US.json": lambda f: f.get(
        "/openapi/v2/videos",
        **{"filter[id]": min(f.emu.state.extras.videos), "include": "artists,providers,thumbnailArt"},
    ),
}


def _drop_copyright(real: Any) -> Any:
    """The only video capture (2025-07) predates ``copyright`` becoming ``{"text"}`` (albums and
    tracks captured in 2025-11 have the object); the emulator serves the newer form everywhere."""
    for resource in real["data"]:
        resource["attributes"].pop("copyright")
    return real


# Parts of a real response the emulator deliberately serves differently (each one explained).
REAL_PROJECTIONS: dict[str, Callable[[Any], Any]] = {
    "openapi_v2_videos_filter_id_358461354_US.json": _drop_copyright,
}


def jsonapi_by_type(document: Any) -> Any:
    """``included`` as ``{type: first resource of that type}``, so every type present is compared."""
    if isinstance(document, dict) and isinstance(document.get("included"), list):
        firsts: dict[str, Any] = {}
        for resource in document["included"]:
            firsts.setdefault(resource["type"], resource)
        return {**document, "included": firsts}
    return document


@pytest.fixture(scope="module")
def fetcher() -> Iterator[Fetcher]:
    with FakeTidal(EmulatorOptions(seed=42, auto_approve=True)) as emu:
        yield Fetcher(emu)


def test_every_fixture_has_a_counterpart():
    on_disk = {p.name for p in FIXTURES.glob("*.json")}
    assert on_disk == set(COUNTERPARTS)
    provenance = (FIXTURES / "PROVENANCE.md").read_text()
    assert all(name in provenance for name in on_disk)


@pytest.mark.parametrize("fixture_name", sorted(COUNTERPARTS))
def test_emulator_response_has_every_real_key(fetcher: Fetcher, fixture_name: str):
    real = json.loads((FIXTURES / fixture_name).read_text())
    real = jsonapi_by_type(REAL_PROJECTIONS.get(fixture_name, lambda r: r)(real))
    emulated = jsonapi_by_type(COUNTERPARTS[fixture_name](fetcher))
    assert shape_mismatches(real, emulated) == []


@pytest.mark.parametrize(
    ("real", "emulated", "expected"),
    [
        ({"a": 1}, {"a": 2.5}, []),
        ({"a": None}, {"a": "x"}, []),
        ({"a": None}, {}, ["$.a: missing"]),
        ({"a": [{"b": 1}]}, {"a": [{"b": "1"}]}, ["$.a[0].b: real number, emulator string"]),
        ({"a": [{"b": 1}]}, {"a": []}, []),
        ({"a": True}, {"a": 1}, ["$.a: real boolean, emulator number"]),
        ({"a": {"b": {}}}, {"a": {"b": []}}, ["$.a.b: real object, emulator array"]),
    ],
)
def test_shape_comparison_rules(real, emulated, expected):
    assert shape_mismatches(real, emulated) == expected
