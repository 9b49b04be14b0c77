"""Benchmarks: latency of the front for cache hits and misses, and concurrent throughput.

    .venv/bin/python -m bench [--workers 2] [--calls 300] [--clients 20] [--emulator-latency-ms 0]

Starts a private stack on free ports (bundled redis-server, the emulator in-process, `tidal-mcp
worker` processes, `tidal-mcp front` over HTTP), drives it with the MCP SDK client, prints a
Markdown table and writes JSON to bench/results/. Numbers belong in docs/benchmarks.md, never in
timed assertions in the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from mcp import Client

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shared.ops import redis_server  # noqa: E402
from shared.redis_conn import connect, ping  # noqa: E402
from shared.settings import Settings  # noqa: E402
from shared.tokens import TokenStore  # noqa: E402
from tests.fake_tidal import EmulatorOptions, FakeTidal  # noqa: E402
from tests.fake_tidal.client import Control  # noqa: E402
from tests.support.logins import emulator_login  # noqa: E402
from tests.support.processes import Proc, free_port, http_ok, tidal_mcp, wait_until  # noqa: E402


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {
        "n": len(samples),
        "p50_ms": round(pick(0.50) * 1000, 2),
        "p90_ms": round(pick(0.90) * 1000, 2),
        "p99_ms": round(pick(0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(samples) * 1000, 2),
    }


async def timed(client: Client, tool: str, args: dict) -> float:
    start = time.perf_counter()
    result = await client.call_tool(tool, args)
    elapsed = time.perf_counter() - start
    if result.is_error:
        raise RuntimeError(f"{tool}{args}: {result.content[0].text}")
    return elapsed


async def scenarios(url: str, catalog: dict, calls: int, clients: int) -> dict[str, dict]:
    tracks = catalog["track_ids"]
    results: dict[str, dict] = {}
    async with Client(url) as client:
        await timed(client, "tidal_get_track", {"track_id": tracks[0]})  # warm up
        results["track, cache hit"] = percentiles(
            [await timed(client, "tidal_get_track", {"track_id": tracks[0]}) for _ in range(calls)]
        )
        misses = tracks[1 : 1 + min(calls, len(tracks) // 4)]
        results["track, cache miss (worker + emulator)"] = percentiles(
            [await timed(client, "tidal_get_track", {"track_id": t}) for t in misses]
        )
        playlist = max(
            catalog["user_playlist_uuids"],
            key=lambda u: Control(catalog["_url"]).get(f"snapshot/playlist/{u}")["numberOfTracks"],
        )
        first = await timed(client, "tidal_get_playlist", {"playlist_id": playlist})
        results["230-track playlist, miss (3 pages)"] = percentiles([first])
        results["230-track playlist, cache hit"] = percentiles(
            [await timed(client, "tidal_get_playlist", {"playlist_id": playlist}) for _ in range(max(10, calls // 10))]
        )

    hot = tracks[:50]

    async def one_client(index: int) -> list[float]:
        async with Client(url) as client:
            return [
                await timed(client, "tidal_get_track", {"track_id": hot[(index + i) % len(hot)]})
                for i in range(calls // 5)
            ]

    start = time.perf_counter()
    samples = [s for batch in await asyncio.gather(*(one_client(i) for i in range(clients))) for s in batch]
    wall = time.perf_counter() - start
    results[f"{clients} concurrent clients, cache hits"] = {
        **percentiles(samples),
        "calls_per_s": round(len(samples) / wall, 1),
    }
    return results


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--emulator-latency-ms", type=int, default=0)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="tidal-mcp-bench-"))
    port = free_port()
    redis_proc = redis_server.start("127.0.0.1", port, tmp / "redis", persist=False)
    procs: list[Proc] = []
    with FakeTidal(EmulatorOptions(seed=42, latency_ms=args.emulator_latency_ms)) as emu:
        try:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("TIDAL_", "PROMETHEUS_"))}
            env.update(
                REDIS_URL=f"redis://127.0.0.1:{port}/0",
                TIDAL_BASE_URL=emu.url,
                TIDAL_MCP_KEYRING_FILE=str(tmp / "keyring.cfg"),
                TIDAL_MCP_KEYRING_PASSWORD="bench",
                TIDAL_MCP_PORT=str(free_port()),
                TIDAL_MCP_LOG_LEVEL="WARNING",
            )  # shipped defaults otherwise
            wait_until(lambda: ping(connect(env["REDIS_URL"])), 15, "redis did not start")
            TokenStore.from_settings(Settings.from_env(env)).save(emulator_login(emu))
            procs += [Proc(f"worker{i}", tidal_mcp("worker"), env, tmp) for i in range(args.workers)]
            procs.append(Proc("front", tidal_mcp("front"), env, tmp))
            base = f"http://127.0.0.1:{env['TIDAL_MCP_PORT']}"
            wait_until(lambda: http_ok(f"{base}/health"), 60, "the stack did not become healthy")
            catalog = {**Control(emu.url).get("catalog"), "_url": emu.url}
            results = asyncio.run(scenarios(f"{base}/mcp", catalog, args.calls, args.clients))
        finally:
            for proc in procs:
                proc.stop()
            redis_server.stop(redis_proc)

    meta = {
        "date": time.strftime("%Y-%m-%d"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "workers": args.workers,
        "emulator_latency_ms": args.emulator_latency_ms,
    }
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"front-latency-{int(time.time())}.json").write_text(
        json.dumps({"meta": meta, "results": results}, indent=2)
    )
    print(f"| scenario | n | p50 ms | p90 ms | p99 ms | mean ms | calls/s |   ({json.dumps(meta)})")
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['n']} | {r['p50_ms']} | {r['p90_ms']} | {r['p99_ms']} | {r['mean_ms']} "
            f"| {r.get('calls_per_s', '')} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
