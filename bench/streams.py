"""Stream resolution: cache hits, cold resolutions, a 200-track resolution under a budget, the fast lane.

    .venv/bin/python -m bench.streams [--rate 10] [--bin PATH/TO/venv/bin]

Scenarios (each on its own stack: bundled Redis, ``tidal-mcp worker`` processes, the front over HTTP,
the emulator in-process, the MCP SDK client):

* ``hit``: ``tidal_get_stream`` of one track, cached (p50/p99 of 200 calls).
* ``cold``: 50 distinct tracks one after another at 200 ms TIDAL latency (p50/p99).
* ``batch``: ``tidal_get_streams`` of 200 tracks, nothing cached, 8 workers, the emulator enforcing a
  hidden budget of R req/s and the pool's budget set to R: makespan ÷ (requests ÷ R).
* ``lane``: p50 of single stream resolutions at 200 ms TIDAL latency, idle vs while a 1,000-id
  ``tidal_get_tracks`` batch runs (4 workers, shipped defaults).

Writes JSON to ``bench/results/streams-<time>.json``; figures belong in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
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

LONG = {"TIDAL_MCP_JOB_AFTER": "600", "TIDAL_MCP_WAIT_TIMEOUT": "600"}


def _options(latency_ms: int = 0) -> EmulatorOptions:
    return EmulatorOptions(seed=42, auto_approve=True, device_interval=0.05, latency_ms=latency_ms)


def _pcts(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000, 1),
    }


def _playable(stack: BlackBoxStack) -> list[int]:
    catalog = stack.control.get("catalog")
    skip = set(catalog["unavailable_track_ids"])
    return [t for t in catalog["track_ids"] if t not in skip]


async def hit_and_cold(bin_dir: Path, tmp: Path) -> dict[str, Any]:
    with FakeTidal(_options(200)) as emu:
        stack = BlackBoxStack(bin_dir, tmp, emu).start(workers=2)
        try:
            tracks = _playable(stack)
            async with Client(f"{stack.url}/mcp") as client:
                cold = [(await call(client, "tidal_get_stream", {"track_id": t})).seconds for t in tracks[:50]]
                hits = [(await call(client, "tidal_get_stream", {"track_id": tracks[0]})).seconds for _ in range(200)]
        finally:
            stack.stop()
    return {"hit": _pcts(hits), "cold_200ms": _pcts(cold)}


async def batch(bin_dir: Path, tmp: Path, rate: float) -> dict[str, Any]:
    with FakeTidal(_options()) as emu:
        stack = BlackBoxStack(
            bin_dir,
            tmp,
            emu,
            extra_env={
                **LONG,
                **fixed_budget(rate),
            },
        ).start(workers=8)
        try:
            tracks = _playable(stack)[:200]
            stack.control.post("faults", {"budget_rate": rate, "budget_burst": 3})
            stack.control.post("reset")
            async with Client(f"{stack.url}/mcp") as client:
                result = await call(client, "tidal_get_streams", {"track_ids": tracks})
            counters = stack.control.get("counters")
        finally:
            stack.stop()
    if not result.ok or result.data["state"] != "done":
        raise RuntimeError(f"the batch did not finish: {result.text}")
    requests = counters["total"]
    return {
        "rate": rate,
        "tracks": len(tracks),
        "found": result.data["result"]["found_total"],
        "requests": requests,
        "rate_limited": counters["rate_limited"],
        "makespan_s": round(result.seconds, 2),
        "ratio": round(result.seconds / (requests / rate), 3),
    }


async def lane(bin_dir: Path, tmp: Path) -> dict[str, Any]:
    with FakeTidal(_options(200)) as emu:
        stack = BlackBoxStack(bin_dir, tmp, emu, extra_env=LONG).start(workers=4)
        try:
            tracks = _playable(stack)
            url = f"{stack.url}/mcp"
            async with Client(url) as client:
                idle = [(await call(client, "tidal_get_stream", {"track_id": t})).seconds for t in tracks[1500:1520]]
                big = asyncio.ensure_future(call(client, "tidal_get_tracks", {"track_ids": tracks[:1000], "limit": 10}))
                busy: list[float] = []
                for track_id in tracks[1600:1700]:
                    if big.done():
                        break
                    busy.append((await call(client, "tidal_get_stream", {"track_id": track_id})).seconds)
                await big
        finally:
            stack.stop()
    p_idle, p_busy = statistics.median(idle), statistics.median(busy)
    return {
        "idle_p50_ms": round(p_idle * 1000, 1),
        "busy_p50_ms": round(p_busy * 1000, 1),
        "ratio": round(p_busy / p_idle, 2),
        "busy_samples": len(busy),
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.streams")
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--bin", type=Path, default=Path(sys.executable).parent)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-streams-"))
    try:
        results = asyncio.run(hit_and_cold(args.bin, tmp / "hit"))
        print(
            f"hit: p50 {results['hit']['p50_ms']} ms, p99 {results['hit']['p99_ms']} ms; cold at 200 ms TIDAL "
            f"latency: p50 {results['cold_200ms']['p50_ms']} ms, p99 {results['cold_200ms']['p99_ms']} ms",
            flush=True,
        )
        results["batch"] = b = asyncio.run(batch(args.bin, tmp / "batch", args.rate))
        print(
            f"batch: {b['found']}/{b['tracks']} streams, {b['requests']} requests ({b['rate_limited']} 429s) in "
            f"{b['makespan_s']} s = {b['ratio']}x requests/R at R={b['rate']:g}",
            flush=True,
        )
        results["lane"] = f = asyncio.run(lane(args.bin, tmp / "lane"))
        print(
            f"lane: stream p50 idle {f['idle_p50_ms']} ms, during a 1,000-id batch {f['busy_p50_ms']} ms = "
            f"{f['ratio']}x ({f['busy_samples']} samples)",
            flush=True,
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"streams-{int(time.time())}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"(JSON: {path.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
