"""Playlist writes: a 1,000-track add under a TIDAL budget of R req/s, and TIDAL requests per added track.

    .venv/bin/python -m bench.writes [--rates 2 5 10] [--tracks 1000] [--bin PATH/TO/venv/bin]

For each R, the emulator enforces a hidden budget of R req/s (burst 3, so that network jitter
between two requests sent 1/R apart is not a 429) and the pool's budget is set to R (start =
ceiling = R, burst 1), as an operator who knows the limit would set it. The add goes through the
front with the MCP SDK client, onto an existing user playlist, duplicates skipped (the default).
Reported: wall time, the requests TIDAL saw, 429s, and ``wall / (requests / R)``: 1.0 is the
budget's own floor, the target is at most 1.2.

The anchors are tidalapi 0.8.11 doing the same add in-process, counted on the same emulator without
a budget (tidalapi has no throttle: under a budget it fails on the first 429): one
``UserPlaylist.add`` of every id (one POST however long the list, then a GET to refresh the ETag),
and the same in calls of 100 ids, as the peers that chunk do (each call a POST and a GET).
Writes JSON to ``bench/results/writes-<time>.json``; figures belong in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from mcp import Client

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.chaos.stack import BlackBoxStack, call, fixed_budget  # noqa: E402
from tests.fake_tidal import EmulatorOptions, FakeTidal  # noqa: E402
from tests.fake_tidal.client import Control, logged_in_session  # noqa: E402

OPTIONS = EmulatorOptions(seed=42, auto_approve=True, device_interval=0.05)


def _target(control: Control, count: int) -> tuple[str, list[int]]:
    """The user's largest playlist and ``count`` playable tracks it does not hold."""
    catalog = control.get("catalog")
    uuid = max(catalog["user_playlist_uuids"], key=lambda u: control.get(f"snapshot/playlist/{u}")["numberOfTracks"])
    present = set(control.get(f"snapshot/playlist/{uuid}")["trackIds"]) | set(catalog["unavailable_track_ids"])
    return uuid, [t for t in catalog["track_ids"] if t not in present][:count]


def _requests(control: Control) -> tuple[int, int]:
    counters = control.get("counters")
    return counters["total"], counters.get("statuses", {}).get("429", counters.get("rate_limited", 0))


async def through_the_pool(bin_dir: Path, tmp: Path, rate: float, count: int) -> dict[str, Any]:
    """One add of ``count`` tracks through front and workers under a budget of ``rate`` req/s."""
    with FakeTidal(OPTIONS) as emu:
        stack = BlackBoxStack(
            bin_dir,
            tmp,
            emu,
            extra_env={
                **fixed_budget(rate),
                "TIDAL_MCP_WAIT_TIMEOUT": "600",
            },
        ).start(workers=2)
        try:
            uuid, tracks = _target(stack.control, count)
            before = stack.control.get(f"snapshot/playlist/{uuid}")["trackIds"]
            stack.control.post("faults", {"budget_rate": rate, "budget_burst": 3})
            stack.control.post("reset")
            async with Client(f"{stack.url}/mcp") as client:
                start = time.perf_counter()
                result = await call(client, "tidal_add_tracks", {"playlist_id": uuid, "track_ids": tracks})
                wall = time.perf_counter() - start
            requests, limited = _requests(stack.control)
            after = stack.control.get(f"snapshot/playlist/{uuid}")["trackIds"]
        finally:
            stack.stop()
    if not result.ok:
        raise RuntimeError(f"the add failed: {result.text}")
    return {
        "rate": rate,
        "tracks": count,
        "wall_s": round(wall, 2),
        "requests": requests,
        "rate_limited": limited,
        "floor_s": round(requests / rate, 2),
        "ratio": round(wall / (requests / rate), 3),
        "requests_per_track": round(requests / count, 4),
        "exact": after == before + tracks,
        "added": len(result.data["added"]) if result.data else 0,
    }


def with_tidalapi(count: int, per_call: int | None) -> dict[str, Any]:
    """The same add made by tidalapi itself, in-process, in calls of ``per_call`` ids (None: one call)."""
    with FakeTidal(OPTIONS) as emu:
        control = Control(emu.url)
        session = logged_in_session(emu)
        uuid, tracks = _target(control, count)
        playlist = session.playlist(uuid)
        control.post("reset")
        step = per_call or count
        for offset in range(0, count, step):
            playlist.add([str(t) for t in tracks[offset : offset + step]])
        requests, _ = _requests(control)
        after = control.get(f"snapshot/playlist/{uuid}")["trackIds"]
    return {
        "tracks": count,
        "per_call": per_call,
        "requests": requests,
        "requests_per_track": round(requests / count, 4),
        "landed": len(set(tracks) & set(after)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.writes")
    parser.add_argument("--rates", type=float, nargs="+", default=[2.0, 5.0, 10.0])
    parser.add_argument("--tracks", type=int, default=1000)
    parser.add_argument("--bin", type=Path, default=Path(sys.executable).parent)
    args = parser.parse_args()

    anchors = [with_tidalapi(args.tracks, None), with_tidalapi(args.tracks, 100)]
    rows = []
    for rate in args.rates:
        tmp = Path(tempfile.mkdtemp(prefix="bench-writes-"))
        try:
            rows.append(asyncio.run(through_the_pool(args.bin, tmp, rate, args.tracks)))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    for anchor in anchors:
        print(
            f"tidalapi UserPlaylist.add, {anchor['tracks']} tracks in calls of {anchor['per_call'] or 'all'}: "
            f"{anchor['requests']} requests ({anchor['requests_per_track']}/track), {anchor['landed']} landed"
        )
    print("| R req/s | wall s | TIDAL requests | 429s | requests/R s | wall ÷ (requests/R) | requests/track | exact |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['rate']:g} | {r['wall_s']} | {r['requests']} | {r['rate_limited']} | {r['floor_s']} "
            f"| {r['ratio']} | {r['requests_per_track']} | {r['exact']} |"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"writes-{int(time.time())}.json"
    path.write_text(json.dumps({"anchors_tidalapi": anchors, "pool": rows}, indent=2))
    print(f"(JSON: {path.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
