"""tidal-mcp against the single-process peer anchor (``bench/anchors/peer.py``), side by side.

    .venv/bin/python -m bench.speed [--reads 200] [--callers 20] [--latency-ms 200] [--budget 60]
                                    [--workers 8] [--repeat 3] [--env NAME=VALUE ...]
    .venv/bin/python -m bench.speed --miss [--reads 200] [--repeat 3]

One emulator (TIDAL latency ``--latency-ms``, a hidden budget of ``--budget`` req/s per login,
burst the same) serves both: our stack at the shipped defaults with ``--workers`` workers (bundled
Redis, ``tidal-mcp worker`` processes, the front over HTTP) and the anchor (one process,
``asyncio.to_thread`` on the default executor, ``session.track(id, with_album=True)``). Each round,
alternating: the anchor reads ``--reads`` distinct tracks from ``--callers`` concurrent MCP clients,
then ours does the same from a cold pool (cache and learned budget dropped), then ours again
(warm), then the anchor again (it has no cache). Reported per round and as min/median/max: the
makespans and the ratios anchor ÷ ours (goals: cold ≥ 2.5, warm ≥ 30).

``--miss`` measures the miss path instead: one MCP session reads ``--reads`` tracks not read before,
one after another, from the anchor and then from ours (TIDAL at 0 ms, both at their defaults); reported
is ours p50 minus the anchor's (goal ≤ 3 ms). The anchor makes two TIDAL requests per read
(``with_album``), ours one.

Writes JSON to ``bench/results/speed-<time>.json``; figures belong in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
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

import requests  # noqa: E402

from bench.chaos.stack import BlackBoxStack, call  # noqa: E402
from tests.fake_tidal import EmulatorOptions, FakeTidal  # noqa: E402
from tests.support.processes import Proc, free_port, wait_until  # noqa: E402


async def makespan(url: str, tool: str, ids: list[int], callers: int) -> float:
    """Seconds for ``callers`` concurrent MCP sessions (opened beforehand) to read every id once."""
    parts = [ids[i::callers] for i in range(callers)]
    async with contextlib.AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(Client(url)) for _ in parts]

        async def caller(client: Client, part: list[int]) -> None:
            for ident in part:
                result = await call(client, tool, {"track_id": ident})
                if not result.ok:
                    raise RuntimeError(f"{tool}({ident}) failed: {result.text}")

        start = time.perf_counter()
        await asyncio.gather(*(caller(client, part) for client, part in zip(clients, parts, strict=True)))
        return time.perf_counter() - start


async def latencies(url: str, tool: str, ids: list[int]) -> list[float]:
    """Per-call seconds of one MCP session reading ``ids`` one after another."""
    found = []
    async with Client(url) as client:
        for ident in ids:
            result = await call(client, tool, {"track_id": ident})
            if not result.ok:
                raise RuntimeError(f"{tool}({ident}) failed: {result.text}")
            found.append(result.seconds)
    return found


async def miss_path(args: argparse.Namespace, tmp: Path, env: dict[str, str]) -> dict[str, Any]:
    """p50 of a cold read, ours vs the anchor, one caller, TIDAL answering at once (0 ms)."""
    options = EmulatorOptions(seed=42, auto_approve=True, device_interval=0.05)
    rows = []
    with FakeTidal(options) as emu:
        stack = BlackBoxStack(Path(sys.executable).parent, tmp, emu, extra_env=env).start(workers=args.workers)
        anchor, anchor_url = start_anchor(emu, tmp)
        try:
            ids = stack.control.get("catalog")["track_ids"]
            for number in range(args.repeat):
                chunk = ids[number * args.reads : (number + 1) * args.reads]
                theirs = statistics.median(await latencies(anchor_url, "get_track", chunk))
                ours = statistics.median(await latencies(f"{stack.url}/mcp", "tidal_get_track", chunk))
                rows.append(
                    {
                        "anchor_p50_ms": round(theirs * 1000, 2),
                        "ours_p50_ms": round(ours * 1000, 2),
                        "extra_ms": round((ours - theirs) * 1000, 2),
                    }
                )
                print(
                    f"miss round {number + 1}: anchor p50 {rows[-1]['anchor_p50_ms']} ms, ours "
                    f"{rows[-1]['ours_p50_ms']} ms: +{rows[-1]['extra_ms']} ms",
                    flush=True,
                )
        finally:
            anchor.stop()
            stack.stop()
    extra = [r["extra_ms"] for r in rows]
    return {"rounds": rows, "extra_ms": {"min": min(extra), "median": statistics.median(extra), "max": max(extra)}}


def _answers(url: str) -> bool:
    try:
        requests.get(url, timeout=2)
        return True
    except requests.RequestException:
        return False


def start_anchor(emu: FakeTidal, tmp: Path, echo: bool = False) -> tuple[Proc, str]:
    """The peer anchor process, logged in with its own tokens (its own hidden budget)."""
    tokens = emu.issue_tokens()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIDAL_", "PEER_"))}
    env.update(
        TIDAL_BASE_URL=emu.url,
        PEER_ACCESS_TOKEN=tokens["access_token"],
        PEER_REFRESH_TOKEN=tokens["refresh_token"],
        PYTHONUNBUFFERED="1",
    )
    command = [sys.executable, "-m", "bench.anchors.peer", "--port", str(port), *(["--echo"] if echo else [])]
    proc = Proc(f"anchor-{port}", command, env, tmp / "logs")
    wait_until(lambda: _answers(f"http://127.0.0.1:{port}/mcp"), 60, lambda: "the anchor did not start\n" + proc.logs())
    return proc, f"http://127.0.0.1:{port}/mcp"


def _forget(stack: BlackBoxStack) -> None:
    """A cold pool: no cached tracks, no learned budget."""
    client = stack.client()
    for pattern in ("tidal:track:*", "tidal:ratelimit:*"):
        keys = list(client.scan_iter(pattern, count=1000))
        if keys:
            client.delete(*keys)


async def run(args: argparse.Namespace, tmp: Path, env: dict[str, str]) -> dict[str, Any]:
    options = EmulatorOptions(seed=42, auto_approve=True, device_interval=0.05, latency_ms=args.latency_ms)
    rounds = []
    with FakeTidal(options) as emu:
        stack = BlackBoxStack(Path(sys.executable).parent, tmp, emu, extra_env=env).start(workers=args.workers)
        anchor, anchor_url = start_anchor(emu, tmp)
        try:
            ids = stack.control.get("catalog")["track_ids"][: args.reads]
            stack.control.post("faults", {"budget_rate": args.budget, "budget_burst": max(1, int(args.budget))})
            ours_url = f"{stack.url}/mcp"
            for number in range(args.repeat):
                _forget(stack)
                before = stack.control.get("counters")["rate_limited"]
                row = {"anchor_s": await makespan(anchor_url, "get_track", ids, args.callers)}
                row["ours_cold_s"] = await makespan(ours_url, "tidal_get_track", ids, args.callers)
                row["ours_warm_s"] = await makespan(ours_url, "tidal_get_track", ids, args.callers)
                row["anchor_again_s"] = await makespan(anchor_url, "get_track", ids, args.callers)
                row["rate_limited"] = stack.control.get("counters")["rate_limited"] - before
                row = {k: round(v, 3) for k, v in row.items()}
                row["cold_ratio"] = round(row["anchor_s"] / row["ours_cold_s"], 2)
                row["warm_ratio"] = round(row["anchor_again_s"] / row["ours_warm_s"], 1)
                rounds.append(row)
                print(
                    f"round {number + 1}: anchor {row['anchor_s']} s, ours cold {row['ours_cold_s']} s "
                    f"({row['cold_ratio']}x), ours warm {row['ours_warm_s']} s vs anchor {row['anchor_again_s']} s "
                    f"({row['warm_ratio']}x); {row['rate_limited']} 429s",
                    flush=True,
                )
        finally:
            anchor.stop()
            stack.stop()
    summary = {
        key: {
            "min": min(r[key] for r in rounds),
            "median": round(statistics.median(r[key] for r in rounds), 2),
            "max": max(r[key] for r in rounds),
        }
        for key in ("cold_ratio", "warm_ratio")
    }
    return {"settings": vars(args) | {"env": env}, "rounds": rounds, "summary": summary}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.speed")
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--callers", type=int, default=20)
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--miss",
        action="store_true",
        help="instead: p50 of one caller's cold reads at 0 ms TIDAL latency, ours minus the anchor's",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting other than the shipped default (reported with the figures)",
    )
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    tmp = Path(tempfile.mkdtemp(prefix="bench-speed-"))
    if args.miss:
        try:
            result = asyncio.run(miss_path(args, tmp, env))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        e = result["extra_ms"]
        print(f"miss path: ours - anchor p50 = +{e['median']} ms (min {e['min']}, max {e['max']})")
        return _save("speed-miss", result)
    try:
        result = asyncio.run(run(args, tmp, env))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    s = result["summary"]
    print(
        f"cold: anchor / ours = {s['cold_ratio']['median']}x (min {s['cold_ratio']['min']}, max "
        f"{s['cold_ratio']['max']}); warm: {s['warm_ratio']['median']}x (min {s['warm_ratio']['min']}, max "
        f"{s['warm_ratio']['max']})" + (f" [{' '.join(args.env)}]" if args.env else " [shipped defaults]")
    )
    return _save("speed", result)


def _save(name: str, result: dict[str, Any]) -> int:
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}-{int(time.time())}.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"(JSON: {path.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
