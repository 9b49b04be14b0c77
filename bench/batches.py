"""Batch reads: 1,000 ids under a TIDAL budget, warm batches, the pool's speed-up, fairness.

    .venv/bin/python -m bench.batches [--rates 5 10 20] [--scenario NAME ...] [--bin PATH/TO/venv/bin]

Scenarios (each on its own stack: bundled Redis, ``tidal-mcp worker`` processes, the front over HTTP,
the emulator in-process; driven by the MCP SDK client):

* ``cold-<R>``: 1,000 distinct track ids, nothing cached, the emulator enforcing a hidden budget of R
  req/s (burst 3) and the pool's budget set to R (start = ceiling = R, burst 1); 4 workers; the answer
  carries the default first page (200). Reported: TIDAL requests, makespan, makespan ÷ (requests ÷ R)
  (goal ≤ 1.15).
* ``warm``: the same 1,000 again, all cached (goal < 0.5 s), with the default page and with all 1,000
  in one answer (then the payload, ~0.4 MB, and the SDK's schema validation of it dominate).
* ``speedup``: 200 distinct single ``tidal_get_track`` reads from 20 concurrent callers at 200 ms
  TIDAL latency, shipped defaults, 8 workers vs 1.
* ``fairness``: p50 of single ``tidal_get_track`` reads at 200 ms TIDAL latency, idle vs while a
  1,000-id batch runs (goal ≤ 2×); 4 workers, shipped defaults.

Writes JSON to ``bench/results/batches-<time>.json``; figures belong in docs/benchmarks.md.
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

OPTIONS = EmulatorOptions(seed=42, auto_approve=True, device_interval=0.05)
LONG = {"TIDAL_MCP_JOB_AFTER": "600", "TIDAL_MCP_WAIT_TIMEOUT": "600"}


def _requests(stack: BlackBoxStack) -> int:
    return int(stack.control.get("counters")["total"])


async def cold_and_warm(bin_dir: Path, tmp: Path, rate: float) -> dict[str, Any]:
    with FakeTidal(OPTIONS) as emu:
        stack = BlackBoxStack(
            bin_dir,
            tmp,
            emu,
            extra_env={
                **LONG,
                **fixed_budget(rate),
            },
        ).start(workers=4)
        try:
            ids = stack.control.get("catalog")["track_ids"][:1000]
            stack.control.post("faults", {"budget_rate": rate, "budget_burst": 3})
            stack.control.post("reset")
            async with Client(f"{stack.url}/mcp") as client:
                cold = await call(client, "tidal_get_tracks", {"track_ids": ids})  # the default page: 200
                requests = _requests(stack)
                limited = stack.control.get("counters")["rate_limited"]
                warm = await call(client, "tidal_get_tracks", {"track_ids": ids})
                whole = await call(client, "tidal_get_tracks", {"track_ids": ids, "limit": 1000})
        finally:
            stack.stop()
    for result in (cold, warm, whole):
        if not result.ok or result.data["state"] != "done":
            raise RuntimeError(f"the batch did not finish: {result.text or result.data}")
    found = cold.data["result"]["found_total"]
    return {
        "rate": rate,
        "found": found,
        "requests": requests,
        "rate_limited": limited,
        "cold_s": round(cold.seconds, 2),
        "floor_s": round(requests / rate, 2),
        "ratio": round(cold.seconds / (requests / rate), 3),
        "warm_s": round(warm.seconds, 3),
        "warm_all_1000_s": round(whole.seconds, 3),
        "warm_from_cache": warm.data["result"]["from_cache"],
    }


async def _singles(url: str, ids: list[int], callers: int) -> list[float]:
    async def one(part: list[int]) -> list[float]:
        async with Client(url) as client:
            return [(await call(client, "tidal_get_track", {"track_id": t})).seconds for t in part]

    parts = [ids[i::callers] for i in range(callers)]
    return [s for batch in await asyncio.gather(*(one(p) for p in parts)) for s in batch]


async def speedup(bin_dir: Path, tmp: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for workers in (1, 8):
        with FakeTidal(EmulatorOptions(seed=42, auto_approve=True, device_interval=0.05, latency_ms=200)) as emu:
            stack = BlackBoxStack(bin_dir, tmp / f"w{workers}", emu).start(workers=workers)
            try:
                ids = stack.control.get("catalog")["track_ids"][:200]
                start = time.perf_counter()
                await _singles(f"{stack.url}/mcp", ids, 20)
                out[f"workers_{workers}_s"] = round(time.perf_counter() - start, 2)
            finally:
                stack.stop()
    out["speedup"] = round(out["workers_1_s"] / out["workers_8_s"], 2)
    return out


async def fairness(bin_dir: Path, tmp: Path) -> dict[str, Any]:
    with FakeTidal(EmulatorOptions(seed=42, auto_approve=True, device_interval=0.05, latency_ms=200)) as emu:
        stack = BlackBoxStack(bin_dir, tmp, emu, extra_env=LONG).start(workers=4)
        try:
            catalog = stack.control.get("catalog")
            url = f"{stack.url}/mcp"
            idle = await _singles(url, catalog["track_ids"][1500:1530], 1)
            async with Client(url) as client:
                batch = asyncio.ensure_future(
                    call(client, "tidal_get_tracks", {"track_ids": catalog["track_ids"][:1000], "limit": 10})
                )
                busy: list[float] = []
                for track_id in catalog["track_ids"][1600:1700]:
                    if batch.done():
                        break
                    busy.append((await call(client, "tidal_get_track", {"track_id": track_id})).seconds)
                batch_result = await batch
        finally:
            stack.stop()
    p50_idle, p50_busy = statistics.median(idle), statistics.median(busy)
    return {
        "idle_p50_ms": round(p50_idle * 1000, 1),
        "busy_p50_ms": round(p50_busy * 1000, 1),
        "ratio": round(p50_busy / p50_idle, 2),
        "busy_samples": len(busy),
        "batch_s": round(batch_result.seconds, 2),
        "batch_ok": batch_result.ok,
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.batches")
    parser.add_argument("--rates", type=float, nargs="+", default=[5.0, 10.0, 20.0])
    parser.add_argument("--scenario", action="append", choices=["cold", "speedup", "fairness"])
    parser.add_argument("--bin", type=Path, default=Path(sys.executable).parent)
    args = parser.parse_args()
    chosen = args.scenario or ["cold", "speedup", "fairness"]
    results: dict[str, Any] = {}
    tmp = Path(tempfile.mkdtemp(prefix="bench-batches-"))
    try:
        if "cold" in chosen:
            results["cold"] = [asyncio.run(cold_and_warm(args.bin, tmp / f"r{r:g}", r)) for r in args.rates]
            for r in results["cold"]:
                print(
                    f"cold-{r['rate']:g}: {r['found']} found, {r['requests']} TIDAL requests ({r['rate_limited']} "
                    f"429s), {r['cold_s']} s = {r['ratio']}x requests/R; warm {r['warm_s']} s "
                    f"({r['warm_from_cache']} from cache; {r['warm_all_1000_s']} s with all 1,000 in the answer)",
                    flush=True,
                )
        if "speedup" in chosen:
            results["speedup"] = s = asyncio.run(speedup(args.bin, tmp / "speedup"))
            print(
                f"speedup: 200 reads, 1 worker {s['workers_1_s']} s, 8 workers {s['workers_8_s']} s = {s['speedup']}x",
                flush=True,
            )
        if "fairness" in chosen:
            results["fairness"] = f = asyncio.run(fairness(args.bin, tmp / "fairness"))
            print(
                f"fairness: single read p50 idle {f['idle_p50_ms']} ms, during a 1,000-id batch "
                f"{f['busy_p50_ms']} ms = {f['ratio']}x ({f['busy_samples']} reads; batch {f['batch_s']} s)",
                flush=True,
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"batches-{int(time.time())}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"(JSON: {path.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
