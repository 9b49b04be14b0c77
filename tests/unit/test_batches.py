"""Batch reads without a pool: normalizing real openapi v2 captures, planning chunks, filing answers, merging."""

from __future__ import annotations

import json
from pathlib import Path

import fakeredis
import pytest

from mcp_front.batch import _chunk_values, _result, owner_of
from shared import batches
from workers import normalize_v2 as v2
from workers.openapi import Document

pytestmark = pytest.mark.anyio

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tidal_responses"


def document(name: str) -> Document:
    body = json.loads((FIXTURES / name).read_text())
    data = body["data"] if isinstance(body["data"], list) else [body["data"]]
    return Document(data, {(r["type"], r["id"]): r for r in body.get("included", [])})


def test_a_real_track_resource_becomes_a_summary():
    doc = document("openapi_v2_tracks.json")
    track = v2.track_summary(doc.data[0], doc)
    assert (track.id, track.title, track.isrc, track.duration_s) == (58756128, "7 Years", "USWB11506516", 237)
    assert (track.bpm, track.key, track.key_scale, track.popularity) == (120, "Eb", "MAJOR", 77)
    assert track.available and track.media_tags == ["LOSSLESS"] and track.copyright == "℗ 2015 Universal Music A/S"
    assert [(a.id, a.name) for a in track.artists] == [(4184211, "Lukas Graham")]
    assert track.album is not None and track.album.id == 58756127
    assert track.album.cover_url and track.album.cover_url.endswith("/320x320.jpg")
    assert track.url == "https://tidal.com/browse/track/58756128"


def test_a_real_album_by_barcode_becomes_a_summary_without_included_art():
    doc = document("openapi_v2_albums_filter_barcodeId_811408033985.json")
    album = v2.album_summary(doc.data[0], doc)
    assert (album.id, album.title, album.upc, album.number_of_tracks) == (168148780, "Nevermind", "811408033985", 12)
    assert (album.duration_s, album.release_date, album.type) == (42 * 60 + 46, "2019-11-22", "ALBUM")
    assert album.cover_url is None and album.artists == []  # nothing was included


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("PT3M57S", 237), ("PT2H16S", 7216), ("PT45S", 45), ("P1DT1S", 86401), ("", None), ("3:57", None)],
)
def test_iso_durations(text, seconds):
    assert v2.seconds(text) == seconds


def test_chunk_values_are_the_sorted_misses_cut_in_twenties():
    values = [str(v) for v in range(100, 150)]
    answers = {"cache": {"found": {"100": {}}, "not_found": ["149"]}}
    misses = sorted(set(values) - {"100", "149"}, key=lambda v: (len(v), v))
    assert _chunk_values(values, answers, 20, 0) == misses[:20]
    assert _chunk_values(values, answers, 20, 2) == misses[40:]


def test_the_result_keeps_the_order_asked_pages_found_and_explains_failures():
    record = {"values": ["5", "1", "9", "3", "7"]}
    answers = {
        "cache": {"found": {"5": {"id": 5}}, "not_found": ["9"]},
        "0": {"found": {"1": {"id": 1}, "7": {"id": 7}}, "not_found": [], "failed": {}},
        "1": {"failed": {"3": "TIDAL answered 503 after retries; retry shortly."}},
    }
    first = _result(record, answers, 0, 2)
    assert [f["id"] for f in first["found"]] == [5, 1] and first["has_more"] and first["next_offset"] == 2
    assert first["not_found"] == ["9"] and first["from_cache"] == 2
    assert first["failed"] == [{"id": "3", "error": "TIDAL answered 503 after retries; retry shortly."}]
    rest = _result(record, answers, 2, 2)
    assert [f["id"] for f in rest["found"]] == [7] and rest["next_offset"] is None


def test_owners_are_token_digests_never_tokens():
    owner = owner_of("Bearer s3cret-token-0123456789")
    assert owner.startswith("t") and "s3cret" not in owner and owner == owner_of("Bearer s3cret-token-0123456789")
    assert owner != owner_of("Bearer another-token-0123456789") and owner_of(None) == "local"


async def test_a_chunk_is_filed_once_per_batch_even_when_rerun_and_the_batch_ends():
    server = fakeredis.FakeServer()
    client = fakeredis.FakeAsyncRedis(server=server)
    sync = fakeredis.FakeRedis(server=server)
    subs = batches.subs_key("digest-a")
    one = await batches.create(
        client, kind="tidal_get_tracks", owner="local", values=["1", "2"], chunks=1, cached={}, rate=8, ttl=60
    )
    two = await batches.create(
        client, kind="tidal_get_tracks", owner="local", values=["2", "1", "3"], chunks=2, cached={}, rate=8, ttl=60
    )
    await batches.subscribe(client, subs, one, 0, 60)
    await batches.subscribe(client, subs, two, 1, 60)
    answer = {"found": {"1": {"id": 1}, "2": {"id": 2}}, "not_found": [], "failed": {}}
    assert batches.file_chunk(sync, subs, answer) == 2
    assert batches.file_chunk(sync, subs, {"found": {}, "failed": {"1": "x"}}) == 2  # a rerun: ignored
    first, second = await batches.load(client, one), await batches.load(client, two)
    assert (first["state"], first["chunks_done"]) == ("done", 1)
    assert (second["state"], second["chunks_done"]) == ("running", 1)
    assert (await batches.answers(client, one))["0"] == answer


async def test_a_chunk_runs_unless_every_batch_waiting_on_it_was_cancelled():
    server = fakeredis.FakeServer()
    client = fakeredis.FakeAsyncRedis(server=server)
    sync = fakeredis.FakeRedis(server=server)
    subs = batches.subs_key("digest-b")
    ids = [
        await batches.create(
            client, kind="tidal_get_tracks", owner="local", values=["1"], chunks=1, cached={}, rate=8, ttl=60
        )
        for _ in range(2)
    ]
    for job_id in ids:
        await batches.subscribe(client, subs, job_id, 0, 60)
    assert await batches.cancel(client, ids[0]) and not await batches.cancel(client, ids[0])
    assert not batches.all_cancelled(sync, subs)
    await batches.cancel(client, ids[1])
    assert batches.all_cancelled(sync, subs)
