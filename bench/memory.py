"""Memory: front and worker RSS at idle, after many calls, and over a soak at a steady mixed load.

    .venv/bin/python -m bench.memory [--calls 100000] [--soak-minutes 30] [--clients 20] [--workers 2]
                                     [--env NAME=VALUE ...]

On a stack at the shipped defaults (bundled Redis, ``tidal-mcp worker`` processes, the front over
HTTP, the emulator in-process) driven by lightweight HTTP clients (``bench.hits``):

* **idle**: RSS of the front and of each worker right after start-up;
* **after N calls**: ``--calls`` calls, nine in ten cache hits on a few hot tracks and one in ten a
  read of a track not read before (cycling through the catalog, whose cache is emptied on each lap),
  then RSS again;
* **soak**: the same mix for ``--soak-minutes`` (0: skip), RSS sampled every minute; reported is the
  growth from the first minute to the last (goal ≤ 10 %).

Writes JSON to ``bench/results/memory-<time>.json``; figures belong in docs/benchmarks.md.
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

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.chaos.stack import BlackBoxStack  # noqa: E402
from bench.hits import VERSION, _body  # noqa: E402
from tests.fake_tidal import EmulatorOptions, FakeTidal  # noqa: E402


def rss_mb(pid: int) -> float:
    """Resident set size of ``pid`` in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmRSS for {pid}")


def snapshot(stack: BlackBoxStack) -> dict[str, Any]:
    assert stack.front is not None
    return {
        "front_mb": rss_mb(stack.front.popen.pid),
        "workers_mb": [rss_mb(w.popen.pid) for w in stack.workers if w.popen.poll() is None],
    }


class MixedLoad:
    """Nine hits on hot tracks to one read of a track not read before, from keep-alive HTTP clients."""

    def __init__(self, stack: BlackBoxStack, url: str, tracks: list[int]) -> None:
        self.stack, self.url = stack, url
        self.hot, self.cold = tracks[:10], tracks[10:]
        self.order = itertools.count()
        self.calls = self.failures = 0

    def _next(self) -> int:
        index = next(self.order)
        if index % 10:
            return self.hot[index % len(self.hot)]
        lap, position = divmod(index // 10, len(self.cold))
        if position == 0 and lap:
            client = self.stack.client()
            keys = [f"tidal:track:{t}" for t in self.cold]
            client.delete(*keys)
        return self.cold[position]

    async def run(self, clients: int, *, calls: int | None = None, until: float | None = None) -> None:
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
            "MCP-Protocol-Version": VERSION,
            "Mcp-Method": "tools/call",
            "Mcp-Name": "tidal_get_track",
        }
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients)) as session:

            async def client() -> None:
                while (calls is None or self.calls < calls) and (until is None or time.monotonic() < until):
                    self.calls += 1
                    body = _body("tidal_get_track", {"track_id": self._next()})
                    async with session.post(self.url, data=body, headers=headers) as response:
                        text = await response.text()
                    if response.status != 200 or '"isError":true' in text:
                        self.failures += 1

            await asyncio.gather(*(client() for _ in range(clients)))


async def run(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    with FakeTidal(EmulatorOptions(seed=42, auto_approve=True, device_interval=0.05)) as emu:
        env = dict(item.split("=", 1) for item in args.env)
        stack = BlackBoxStack(Path(sys.executable).parent, tmp, emu, extra_env=env).start(workers=args.workers)
        try:
            tracks = stack.control.get("catalog")["track_ids"]
            load = MixedLoad(stack, f"{stack.url}/mcp", tracks)
            idle = snapshot(stack)
            start = time.monotonic()
            await load.run(args.clients, calls=args.calls)
            after = {
                **snapshot(stack),
                "calls": load.calls,
                "failures": load.failures,
                "seconds": round(time.monotonic() - start, 1),
            }
            print(
                f"idle: front {idle['front_mb']} MiB, workers {idle['workers_mb']} MiB; after {load.calls} calls "
                f"({load.failures} failed, {after['seconds']} s): front {after['front_mb']} MiB, workers "
                f"{after['workers_mb']} MiB",
                flush=True,
            )
            samples = []
            for minute in range(args.soak_minutes):
                await load.run(args.clients, until=time.monotonic() + 60)
                samples.append({"minute": minute + 1, "calls": load.calls, **snapshot(stack)})
                print(
                    f"soak minute {minute + 1}: front {samples[-1]['front_mb']} MiB, workers "
                    f"{samples[-1]['workers_mb']} MiB, {load.calls} calls so far",
                    flush=True,
                )
        finally:
            stack.stop()
    result: dict[str, Any] = {
        "settings": vars(args),
        "idle": idle,
        "after_calls": after,
        "soak": samples,
        "failures": load.failures,
    }
    if len(samples) >= 2:
        first, last = samples[0], samples[-1]
        result["soak_growth_pct"] = {
            "front": round(100 * (last["front_mb"] / first["front_mb"] - 1), 1),
            "workers": round(100 * (sum(last["workers_mb"]) / sum(first["workers_mb"]) - 1), 1),
        }
        print(
            f"soak growth, minute 1 to {last['minute']}: front {result['soak_growth_pct']['front']} %, workers "
            f"{result['soak_growth_pct']['workers']} % (a worker restarts itself after TIDAL_MCP_MAX_JOBS jobs)"
        )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory")
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--soak-minutes", type=int, default=30)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting other than the shipped default, e.g. TIDAL_MCP_MAX_JOBS=1000000 to keep "
        "the workers (which otherwise restart themselves every 5,000 jobs) for the whole run",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    try:
        result = asyncio.run(run(args, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"memory-{int(time.time())}.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"(JSON: {path.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
