"""The adaptive pool-wide budget against a TIDAL whose limit is hidden: how close to it, how few 429s.

    .venv/bin/python -m bench.budget [--rates 3 10 30 100] [--reads 600] [--callers 20] [--headers]
                                     [--env NAME=VALUE ...] [--bin PATH/TO/venv/bin]

For each hidden budget R (the emulator's token bucket per access token, burst R, never advertised
unless ``--headers``), on its own stack at the shipped defaults (bundled Redis, ``tidal-mcp worker``
processes, the front over HTTP, the emulator in-process; driven by the MCP SDK client):

* **cold start**: 20 callers read distinct tracks (``tidal_get_track``) from a fresh pool for 30 s;
  reported is the time until the reads answered in a 2-second window first reach 0.9 R (goal:
  within 30 s);
* **steady state**: right after those 30 s, the cache emptied, ``--reads`` distinct reads from the same 20
  callers: reads/s ÷ R (goal ≥ 0.9), TIDAL's 429 answers as a share of its requests (goal ≤ 1 %),
  failed calls (goal 0).

Writes JSON to ``bench/results/budget-<time>.json``; figures belong in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
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

from bench.chaos.stack import BlackBoxStack, call  # noqa: E402
from shared.ratelimit import bucket_key  # noqa: E402
from tests.fake_tidal import EmulatorOptions, FakeTidal  # noqa: E402

OPTIONS = EmulatorOptions(seed=42, auto_approve=True, device_interval=0.05)
WINDOW_S = 2.0
WARMUP_S = 30.0  # the cold-start allowance: the steady phase starts after it, whenever 0.9 R was reached


def _counters(stack: BlackBoxStack) -> tuple[int, int]:
    counters = stack.control.get("counters")
    return int(counters["total"]), int(counters["rate_limited"])


def _empty_cache(stack: BlackBoxStack) -> None:
    client = stack.client()
    keys = list(client.scan_iter("tidal:track:*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])


async def cold_start(stack: BlackBoxStack, ids: list[int], rate: float, callers: int) -> dict[str, Any]:
    """Distinct reads from ``callers`` for 30 s; when did a 2-s window first answer 0.9 R?"""
    order = itertools.count()
    done: list[float] = []
    failures = 0
    start = time.monotonic()
    reached: list[float] = []

    async def caller(client: Client) -> None:
        nonlocal failures
        while time.monotonic() - start < WARMUP_S:
            index = next(order)
            if index and index % len(ids) == 0:
                _empty_cache(stack)  # more reads than tracks: start over on an empty cache
            result = await call(client, "tidal_get_track", {"track_id": ids[index % len(ids)]})
            now = time.monotonic()
            if not result.ok:
                failures += 1
                continue
            done.append(now)
            recent = sum(1 for t in done if t > now - WINDOW_S)
            if now - start >= WINDOW_S and recent / WINDOW_S >= 0.9 * rate and not reached:
                reached.append(now - start)

    async with Client(f"{stack.url}/mcp") as client:
        await asyncio.gather(*(caller(client) for _ in range(callers)))
    return {"reached_s": round(reached[0], 1) if reached else None, "reads": len(done), "failed": failures}


async def steady(stack: BlackBoxStack, ids: list[int], callers: int) -> dict[str, Any]:
    """``len(ids)`` distinct reads, split across ``callers``, on an empty cache."""
    _empty_cache(stack)
    before = _counters(stack)
    parts = [ids[i::callers] for i in range(callers)]

    async def caller(client: Client, part: list[int]) -> list[bool]:
        return [(await call(client, "tidal_get_track", {"track_id": t})).ok for t in part]

    async with Client(f"{stack.url}/mcp") as client:
        start = time.monotonic()
        outcomes = await asyncio.gather(*(caller(client, part) for part in parts))
        seconds = time.monotonic() - start
    after = _counters(stack)
    requests, limited = after[0] - before[0], after[1] - before[1]
    failed = sum(1 for part in outcomes for ok in part if not ok)
    return {
        "seconds": round(seconds, 2),
        "reads_per_s": round(len(ids) / seconds, 2),
        "tidal_requests": requests,
        "rate_limited": limited,
        "rate_limited_pct": round(100 * limited / max(1, requests), 2),
        "failed": failed,
    }


async def one_budget(
    bin_dir: Path, tmp: Path, rate: float, reads: int, callers: int, headers: bool, env: dict[str, str]
) -> dict[str, Any]:
    with FakeTidal(OPTIONS) as emu:
        stack = BlackBoxStack(bin_dir, tmp, emu, extra_env=env).start(workers=int(env.get("TIDAL_MCP_WORKERS", 2)))
        try:
            ids = stack.control.get("catalog")["track_ids"]
            stack.control.post(
                "faults", {"budget_rate": rate, "budget_burst": max(1, int(rate)), "ratelimit_headers": headers}
            )
            stack.control.post("reset")
            warm = await cold_start(stack, ids[reads:], rate, callers)
            measured = await steady(stack, ids[:reads], callers)
            pool_rate = stack.client().hget(bucket_key("v1"), "rate")
        finally:
            stack.stop()
    return {
        "hidden_rate": rate,
        "headers": headers,
        "env": env,
        "cold_start": warm,
        **measured,
        "throughput_ratio": round(measured["reads_per_s"] / rate, 3),
        "pool_rate_after": round(float(pool_rate), 2) if pool_rate else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.budget")
    parser.add_argument("--rates", type=float, nargs="+", default=[3.0, 10.0, 30.0, 100.0])
    parser.add_argument("--reads", type=int, default=600)
    parser.add_argument("--callers", type=int, default=20)
    parser.add_argument("--headers", action="store_true", help="the emulator states its budget in x-ratelimit-*")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting other than the shipped default (reported with the figures)",
    )
    parser.add_argument("--bin", type=Path, default=Path(sys.executable).parent)
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    tmp = Path(tempfile.mkdtemp(prefix="bench-budget-"))
    results: list[dict[str, Any]] = []
    try:
        for rate in args.rates:
            r = asyncio.run(one_budget(args.bin, tmp / f"r{rate:g}", rate, args.reads, args.callers, args.headers, env))
            results.append(r)
            warm = r["cold_start"]
            print(
                f"hidden budget {rate:g}/s{' (stated)' if args.headers else ''}: {args.reads} reads in "
                f"{r['seconds']} s = {r['reads_per_s']}/s = {r['throughput_ratio']}x R; "
                f"{r['rate_limited']} 429s of {r['tidal_requests']} requests ({r['rate_limited_pct']} %); "
                f"{r['failed']} failed; cold start reached 0.9 R in {warm['reached_s']} s "
                f"({warm['failed']} failed); pool budget after {r['pool_rate_after']}/s"
                + (f" [{' '.join(args.env)}]" if args.env else " [shipped defaults]"),
                flush=True,
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"budget-{int(time.time())}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"(JSON: {path.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
