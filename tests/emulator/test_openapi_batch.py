"""openapi v2 multi-get over HTTP (tidalapi never calls these), checked against the OAS shapes."""

from __future__ import annotations

import pytest

from tests.emulator.support import Api

OPENAPI = {"countryCode": "US"}


@pytest.fixture(scope="module")
def api(shared_emu) -> Api:
    return Api(shared_emu)


def get(api: Api, path: str, expect: int = 200, **params):
    response = api.http.get(f"{api.base}/openapi/v2{path}", params={**OPENAPI, **params}, timeout=10)
    assert response.status_code == expect, response.text
    assert response.headers["Content-Type"].startswith("application/vnd.api+json")
    return response


def test_batch_by_id_keeps_order_and_drops_unknown_ids(api, shared_catalog):
    wanted = shared_catalog["track_ids"][100:118]
    ids = [str(wanted[0]), "1", *map(str, wanted[1:]), "2"]
    response = get(api, "/tracks", **{"filter[id]": ",".join(ids)})
    body = response.json()
    assert [d["id"] for d in body["data"]] == [str(t) for t in wanted]
    assert all(d["type"] == "tracks" and d["attributes"]["isrc"] for d in body["data"])
    assert "included" not in body and "next" not in body["links"]
    assert body["links"]["self"].startswith("/tracks?") and "filter%5Bid%5D=" in body["links"]["self"]
    relationships = body["data"][0]["relationships"]
    assert set(relationships) >= {"albums", "artists", "genres", "similarTracks"}
    assert all(set(r) == {"links"} for r in relationships.values())  # no data unless included
    for name in ("remaining", "replenish-rate", "burst-capacity", "requested-tokens"):
        assert int(float(response.headers[f"x-ratelimit-{name}"])) >= 0


def test_more_than_twenty_ids_is_a_400(api, shared_catalog):
    ids = ",".join(map(str, shared_catalog["track_ids"][:21]))
    error = get(api, "/tracks", 400, **{"filter[id]": ids}).json()["errors"][0]
    assert error["status"] == "400" and error["source"] == {"parameter": "filter[id]"}
    assert error["code"] == "VALUE_TOO_LONG" and error["detail"] and error["id"]
    assert get(api, "/albums", 400, **{"filter[id]": ",".join(map(str, range(1, 22)))}).status_code == 400


def test_country_code_is_required(api, shared_catalog):
    response = api.http.get(
        f"{api.base}/openapi/v2/artists", params={"filter[id]": shared_catalog["artist_ids"][0]}, timeout=10
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"] == {"parameter": "countryCode"}


def test_include_fills_relationships_and_included(api, shared_emu):
    catalog = shared_emu.state.catalog
    track = next(t for t in catalog.tracks.values() if len(t.credits) > 1)
    body = get(api, "/tracks", **{"filter[id]": str(track.id), "include": "artists,albums"}).json()
    rel = body["data"][0]["relationships"]
    assert [r["id"] for r in rel["artists"]["data"]] == [str(c.artist_id) for c in track.credits]
    assert rel["albums"]["data"] == [{"id": str(track.album_id), "type": "albums"}]
    included = {(i["type"], i["id"]) for i in body["included"]}
    assert included == {("albums", str(track.album_id))} | {("artists", str(c.artist_id)) for c in track.credits}
    artist = next(i for i in body["included"] if i["type"] == "artists")
    assert artist["attributes"]["name"] == catalog.artists[int(artist["id"])].name
    assert get(api, "/tracks", 400, **{"filter[id]": str(track.id), "include": "nonsense"}).status_code == 400


def test_album_items_page_by_cursor(api, shared_emu):
    box = next(a for a in shared_emu.state.catalog.albums.values() if len(a.track_ids) == 46)
    body = get(api, "/albums", **{"filter[id]": str(box.id), "include": "items,coverArt"}).json()
    items = body["data"][0]["relationships"]["items"]
    assert [i["id"] for i in items["data"]] == [str(t) for t in box.track_ids[:20]]
    assert items["data"][0]["meta"] == {"trackNumber": 1, "volumeNumber": 1}
    assert items["links"]["next"].endswith(f"page%5Bcursor%5D={items['links']['meta']['nextCursor']}")
    assert {i["type"] for i in body["included"]} == {"tracks", "artworks"}
    seen, cursor = [], None
    while True:
        params = {"include": "items.artists"} | ({"page[cursor]": cursor} if cursor else {})
        page = get(api, f"/albums/{box.id}/relationships/items", **params).json()
        seen += [d["id"] for d in page["data"]]
        assert {i["type"] for i in page["included"]} == {"tracks", "artists"}
        cursor = page["links"].get("meta", {}).get("nextCursor")
        if cursor is None:
            assert "next" not in page["links"]
            break
    assert seen == [str(t) for t in box.track_ids]


def test_isrc_barcode_artists_and_videos(api, shared_emu):
    catalog, extras = shared_emu.state.catalog, shared_emu.state.extras
    tracks = list(catalog.tracks.values())[:3]
    by_isrc = get(api, "/tracks", **{"filter[isrc]": ",".join(t.isrc for t in tracks)}).json()
    assert [d["id"] for d in by_isrc["data"]] == [str(t.id) for t in tracks]
    albums = list(catalog.albums.values())[:2]
    by_upc = get(api, "/albums", **{"filter[barcodeId]": ",".join(a.upc for a in albums)}).json()
    assert [d["attributes"]["barcodeId"] for d in by_upc["data"]] == [a.upc for a in albums]
    artist_id = max(catalog.artists, key=lambda a: len(catalog.tracks_by_artist[a]))
    artists = get(api, "/artists", **{"filter[id]": f"{artist_id},1", "include": "tracks,profileArt"}).json()
    assert [d["id"] for d in artists["data"]] == [str(artist_id)]
    top = artists["data"][0]["relationships"]["tracks"]
    assert len(top["data"]) == 20 and "next" in top["links"]
    video = next(iter(extras.videos.values()))
    videos = get(api, "/videos", **{"filter[isrc]": video.isrc, "include": "artists,thumbnailArt"}).json()
    assert videos["data"][0]["id"] == str(video.id) and videos["data"][0]["attributes"]["title"] == video.title
    assert {i["type"] for i in videos["included"]} == {"artists", "artworks"}


def test_collections_page_beyond_twenty_hits(api, shared_catalog, shared_emu):
    ids = shared_catalog["track_ids"][:20]
    isrcs = [shared_emu.state.catalog.tracks[t].isrc for t in shared_catalog["track_ids"][20:30]]
    params = {"filter[id]": ",".join(map(str, ids)), "filter[isrc]": ",".join(isrcs)}
    first = get(api, "/tracks", **params).json()
    assert len(first["data"]) == 20 and first["links"]["meta"]["nextCursor"]
    second = get(api, "/tracks", **params, **{"page[cursor]": first["links"]["meta"]["nextCursor"]}).json()
    assert len(second["data"]) == 10 and "next" not in second["links"]
    assert get(api, "/tracks", 400, **params, **{"page[cursor]": "bogus"}).json()["errors"][0]["source"] == {
        "parameter": "page[cursor]"
    }
    ordered = get(api, "/tracks", **{"filter[id]": ",".join(map(str, ids)), "sort": "title"}).json()
    titles = [d["attributes"]["title"] for d in ordered["data"]]
    assert titles == sorted(titles)


def test_single_resources_and_their_errors(api, shared_catalog):
    album_id = shared_catalog["album_ids"][3]
    body = get(api, f"/albums/{album_id}", include="artists").json()
    assert body["data"]["id"] == str(album_id) and body["included"][0]["type"] == "artists"
    missing = get(api, "/albums/1", 404).json()
    assert missing["errors"][0]["status"] == "404" and missing["errors"][0]["detail"]


def test_openapi_bucket_headers_count_down_and_429(emu, control):
    control.post("faults", {"openapi_rate": 0.01, "openapi_burst": 3, "openapi_cost": 1})
    api = Api(emu)
    track = control.get("catalog")["track_ids"][0]
    remaining = []
    for _ in range(3):
        response = get(api, "/tracks", **{"filter[id]": str(track)})
        remaining.append(int(response.headers["x-ratelimit-remaining"]))
        assert response.headers["x-ratelimit-burst-capacity"] == "3"
    assert remaining == [2, 1, 0]
    limited = get(api, "/tracks", 429, **{"filter[id]": str(track)})
    assert int(limited.headers["Retry-After"]) >= 1 and limited.headers["x-ratelimit-remaining"] == "0"
    assert limited.json() == {"errors": [{"status": "429", "detail": "Rate limit exceeded"}]}
    assert Api(emu).call("GET", "/openapi/v2/tracks", params={"filter[id]": str(track)}).status_code == 200  # per token
    assert control.get("counters")["rate_limited"] == 1
