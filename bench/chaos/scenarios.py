"""The chaos scenarios of issue 5, each returning one summary line and its figures.

Every scenario builds its own stack (``BlackBoxStack``) and emulator, so they can run alone
(``--scenario``) and never leak state into each other.
"""

from __future__ import annotations

import asyncio
import json
import signal
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from mcp import Client

from bench.chaos.stack import BlackBoxStack, CallResult, call
from tests.fake_tidal import EmulatorOptions, FakeTidal
from tests.support.processes import wait_until

Scenario = Callable[[Path, Path], Awaitable[tuple[str, dict[str, Any]]]]
OPTIONS = EmulatorOptions(seed=42, auto_approve=True, device_interval=0.05)


def _stack(bin_dir: Path, tmp: Path, emu: FakeTidal, **env: str) -> BlackBoxStack:
    return BlackBoxStack(bin_dir, tmp, emu, extra_env=env)


def _p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def redis_restart(bin_dir: Path, tmp: Path, how: signal.Signals) -> tuple[str, dict[str, Any]]:
    """24 calls queued behind 300 ms TIDAL reads; Redis stopped (TERM or KILL) and started again."""
    with FakeTidal(OPTIONS) as emu:
        stack = _stack(bin_dir, tmp, emu).start(workers=2)
        try:
            stack.control.post("faults", {"latency_ms": 300, "path_regex": "^/v1/tracks/"})
            catalog = stack.control.get("catalog")
            ids, cached = catalog["track_ids"][100:124], catalog["track_ids"][300]
            async with Client(f"{stack.url}/mcp") as client:
                await call(client, "tidal_get_track", {"track_id": cached})
                calls = [asyncio.ensure_future(call(client, "tidal_get_track", {"track_id": t})) for t in ids]
                await asyncio.to_thread(
                    wait_until, lambda: stack.client().llen("rq:queue:tidal-read") >= 10, 30, "calls were not queued"
                )
                stack.kill_redis(how)
                during = await call(client, "tidal_get_track", {"track_id": ids[0] + 100000})
                stack.start_redis()
                back_at = time.monotonic()
                recovered = None
                while time.monotonic() - back_at < 60:
                    probe = await call(client, "tidal_get_track", {"track_id": cached})
                    if probe.ok:
                        recovered = time.monotonic() - back_at
                        break
                done, _ = await asyncio.wait(calls, return_when=asyncio.FIRST_COMPLETED)
                first_done = time.monotonic() - back_at
                results = await asyncio.gather(*calls)
            fetched = [stack.fetches(f"GET /v1/tracks/{t}") for t in ids]
            workers_alive = sum(proc.alive() for proc in stack.workers)
            health = await asyncio.to_thread(lambda: wait_until(lambda: stack.health(), 10, "no health"))
        finally:
            stack.stop()
    figures = {
        "calls_ok": sum(r.ok for r in results),
        "calls": len(results),
        "outage_call_ok": during.ok,
        "outage_call_s": round(during.seconds, 2),
        "back_after_s": round(recovered, 2) if recovered is not None else None,
        "first_queued_answer_after_s": round(first_done, 2),
        "fetched_once": sum(n == 1 for n in fetched),
        "fetched_twice_or_more": sum(n > 1 for n in fetched),
        "never_fetched": sum(n == 0 for n in fetched),
        "workers_alive": workers_alive,
        "health_workers": health.get("workers"),
        "errors": sorted({r.text[:120] for r in results if not r.ok}),
    }
    line = (
        f"calls ok {figures['calls_ok']}/{figures['calls']}; a call during the outage "
        f"{'succeeded' if during.ok else 'failed'} in {figures['outage_call_s']} s; calls back "
        f"{figures['back_after_s']} s after Redis (first queued answer "
        f"{figures['first_queued_answer_after_s']} s); "
        f"TIDAL fetched {figures['fetched_once']} once, "
        f"{figures['fetched_twice_or_more']} twice+, {figures['never_fetched']} never; workers alive "
        f"{workers_alive}/2, /health counts {figures['health_workers']}"
        + (f"; errors {figures['errors']}" if figures["errors"] else "")
    )
    return line, figures


async def worker_kill(bin_dir: Path, tmp: Path, probe_window: float = 120.0) -> tuple[str, dict[str, Any]]:
    """An album read (1.5 s TIDAL latency) whose worker is SIGKILLed; identical calls every 2 s for 120 s."""
    with FakeTidal(OPTIONS) as emu:
        stack = _stack(bin_dir, tmp, emu).start(workers=2)
        try:
            stack.control.post("faults", {"latency_ms": 1500, "path_regex": "^/v1/albums/"})
            album = stack.control.get("catalog")["album_ids"][5]
            r = stack.client()
            async with Client(f"{stack.url}/mcp") as client:
                started_at = time.monotonic()
                first = asyncio.ensure_future(call(client, "tidal_get_album", {"album_id": album}))

                def busy_worker() -> str | None:
                    for key in r.keys("rq:job:*"):
                        fields = r.hgetall(key)
                        if fields.get(b"status") == b"started" and fields.get(b"worker_name"):
                            return fields[b"worker_name"].decode()
                    return None

                name = await asyncio.to_thread(wait_until, busy_worker, 20, "no worker started the job")
                victim = next(p for p in stack.workers if name.endswith(f".{p.pid}"))
                victim.popen.send_signal(signal.SIGKILL)
                killed_at = time.monotonic()
                dead = asyncio.ensure_future(
                    asyncio.to_thread(
                        wait_until,
                        lambda: stack.health().get("workers") == 1 and time.monotonic() - killed_at,
                        200,
                        "the killed worker kept counting",
                        0.2,
                    )
                )
                probes: list[asyncio.Future[CallResult]] = []
                while time.monotonic() - killed_at < probe_window:
                    probes.append(asyncio.ensure_future(call(client, "tidal_get_album", {"album_id": album})))
                    await asyncio.sleep(2)  # the probe cadence
                answered = await first
                answered_after = answered.seconds - (killed_at - started_at)
                dead_after = await dead
                probed = await asyncio.gather(*probes)
            fetched = stack.fetches(f"GET /v1/albums/{album}")
        finally:
            stack.stop()
    figures = {
        "answered": answered.ok,
        "answered_after_s": round(answered_after, 1),
        "probes_ok": sum(p.ok for p in probed),
        "probes": len(probed),
        "probe_errors": sorted({p.text[:80] for p in probed if not p.ok}),
        "tidal_album_fetches": fetched,
        "dead_worker_gone_after_s": round(dead_after, 1),
    }
    line = (
        f"caller {'answered' if answered.ok else 'FAILED'} {figures['answered_after_s']} s after the kill; "
        f"probes ok {figures['probes_ok']}/{figures['probes']} over {probe_window:.0f} s; TIDAL saw the album "
        f"{fetched}x; the dead worker stopped counting after {figures['dead_worker_gone_after_s']} s"
    )
    return line, figures


async def storm_429(bin_dir: Path, tmp: Path) -> tuple[str, dict[str, Any]]:
    """TIDAL at 3 req/s answering 429 with Retry-After 2; 4 workers; 60 distinct reads at once."""
    with FakeTidal(OPTIONS) as emu:
        stack = _stack(bin_dir, tmp, emu).start(workers=4)
        try:
            stack.control.post("faults", {"rate_limit": 3, "retry_after": 2, "path_regex": "^/v1/tracks/"})
            ids = stack.control.get("catalog")["track_ids"][300:360]
            stack.control.post("reset")
            start = time.monotonic()
            async with Client(f"{stack.url}/mcp") as client:
                results = await asyncio.gather(*(call(client, "tidal_get_track", {"track_id": t}) for t in ids))
            makespan = time.monotonic() - start
            limited = stack.rate_limited()
        finally:
            stack.stop()
    bound = len(ids) / 3
    figures = {
        "ok": sum(r.ok for r in results),
        "calls": len(ids),
        "makespan_s": round(makespan, 1),
        "lower_bound_s": bound,
        "ratio": round(makespan / bound, 2),
        "tidal_429s": limited,
        "errors": sorted({r.text[:80] for r in results if not r.ok}),
    }
    line = (
        f"{figures['ok']}/{len(ids)} calls ok; makespan {figures['makespan_s']} s = {figures['ratio']}x the "
        f"budget's lower bound ({bound:.0f} s); TIDAL answered 429 {limited} times"
    )
    return line, figures


async def brownout(bin_dir: Path, tmp: Path, seconds: float = 30.0) -> tuple[str, dict[str, Any]]:
    """50 cached tracks, half past their TTL; TIDAL answers 503 to half its requests for 30 s."""
    with FakeTidal(OPTIONS) as emu:
        stack = _stack(bin_dir, tmp, emu).start(workers=2)
        try:
            ids = stack.control.get("catalog")["track_ids"][400:450]
            r = stack.client()
            async with Client(f"{stack.url}/mcp") as client:
                for t in ids:
                    await call(client, "tidal_get_track", {"track_id": t})

                def expire_half() -> None:
                    for t in ids[::2]:
                        raw = r.get(f"tidal:track:{t}")
                        if raw is not None and b'"g":' in raw:
                            r.expire(f"tidal:track:{t}", 3600)  # past its TTL, inside the stale grace
                        else:
                            r.delete(f"tidal:track:{t}")  # a cache without a grace: past its TTL is gone

                expire_half()
                stack.control.post("faults", {"error_rate": 0.5, "error_status": 503, "path_regex": "^/v1/tracks/"})
                results: list[CallResult] = []
                ends = time.monotonic() + seconds
                while time.monotonic() < ends:
                    results += await asyncio.gather(*(call(client, "tidal_get_track", {"track_id": t}) for t in ids))
                    expire_half()
        finally:
            stack.stop()
    latencies = [r.seconds for r in results]
    errors = [r for r in results if not r.ok]
    figures = {
        "calls": len(results),
        "errors": len(errors),
        "error_rate": round(len(errors) / len(results), 4),
        "p50_s": round(_p(latencies, 0.5), 3),
        "p99_s": round(_p(latencies, 0.99), 3),
        "stale_answers": sum(bool(r.data and r.data.get("stale")) for r in results),
    }
    line = (
        f"{figures['errors']} errors in {figures['calls']} calls on cached objects "
        f"({figures['error_rate']:.2%}); p50 {figures['p50_s']} s, p99 {figures['p99_s']} s; "
        f"{figures['stale_answers']} stale answers"
    )
    return line, figures


async def token_expiry(bin_dir: Path, tmp: Path) -> tuple[str, dict[str, Any]]:
    """8 busy workers, TIDAL rotating refresh tokens, every access token expired at once."""
    options = EmulatorOptions(
        seed=42, auto_approve=True, device_interval=0.05, rotate_refresh_tokens=True, latency_ms=50
    )
    with FakeTidal(options) as emu:
        stack = _stack(
            bin_dir, tmp, emu, TIDAL_MCP_RATE_LIMIT="200", TIDAL_MCP_RATE_BURST="200", TIDAL_MCP_RATE_START="200"
        ).start(workers=8)
        try:
            ids = stack.control.get("catalog")["track_ids"]
            async with Client(f"{stack.url}/mcp") as client:
                normal = await asyncio.gather(*(call(client, "tidal_get_track", {"track_id": t}) for t in ids[:32]))
                stack.control.post("tokens/expire")
                stack.control.post("reset")
                after = await asyncio.gather(*(call(client, "tidal_get_track", {"track_id": t}) for t in ids[100:148]))
            refreshes = stack.control.get("counters")["routes"].get("POST /auth/v1/oauth2/token", 0)
        finally:
            stack.stop()
    slowest_normal = max(r.seconds for r in normal)
    slowest_after = max(r.seconds for r in after)
    figures = {
        "refresh_requests": refreshes,
        "failed": sum(not r.ok for r in after),
        "calls": len(after),
        "slowest_normal_s": round(slowest_normal, 2),
        "slowest_after_s": round(slowest_after, 2),
        "errors": sorted({r.text[:80] for r in after if not r.ok}),
    }
    line = (
        f"{refreshes} refresh request(s); {figures['failed']}/{len(after)} calls failed; slowest call "
        f"{figures['slowest_after_s']} s after the expiry vs {figures['slowest_normal_s']} s before"
    )
    return line, figures


async def backpressure(bin_dir: Path, tmp: Path, calls: int = 5000, clients: int = 20) -> tuple[str, dict[str, Any]]:
    """5,000 concurrent distinct calls into one front, from 20 MCP sessions."""
    with FakeTidal(OPTIONS) as emu:
        stack = _stack(
            bin_dir,
            tmp,
            emu,
            TIDAL_MCP_RATE_LIMIT="1000",
            TIDAL_MCP_RATE_BURST="1000",
            TIDAL_MCP_RATE_START="1000",
            TIDAL_MCP_WAIT_TIMEOUT="300",
        ).start(workers=4)
        try:
            known = stack.control.get("catalog")["track_ids"]
            ids = known + [10**9 + i for i in range(calls - len(known))]
            start = time.monotonic()

            async def session(part: list[int]) -> list[CallResult]:
                async with Client(f"{stack.url}/mcp") as client:
                    return await asyncio.gather(*(call(client, "tidal_get_track", {"track_id": t}) for t in part))

            parts = [ids[i::clients] for i in range(clients)]
            results = [r for batch in await asyncio.gather(*(session(p) for p in parts)) for r in batch]
            makespan = time.monotonic() - start
        finally:
            stack.stop()
    not_found = [r for r in results if not r.ok and "no track with id" in r.text]
    false_errors = [r for r in results if not r.ok and r not in not_found]
    figures = {
        "calls": len(results),
        "answered": sum(r.ok for r in results) + len(not_found),
        "false_errors": len(false_errors),
        "makespan_s": round(makespan, 1),
        "errors": sorted({r.text[:80] for r in false_errors})[:5],
    }
    line = (
        f"{figures['answered']}/{calls} calls answered (found or not found), {len(false_errors)} false errors "
        f"{figures['errors'][:2]}; makespan {figures['makespan_s']} s"
    )
    return line, figures


SCENARIOS: dict[str, Scenario] = {
    "redis-restart-clean": lambda b, t: redis_restart(b, t, signal.SIGTERM),
    "redis-restart-kill": lambda b, t: redis_restart(b, t, signal.SIGKILL),
    "worker-kill": worker_kill,
    "429-storm": storm_429,
    "brownout": brownout,
    "token-expiry": token_expiry,
    "backpressure": backpressure,
}


def summary_json(results: dict[str, dict[str, Any]]) -> str:
    return json.dumps(results, indent=2, default=str)


def median(values: list[float]) -> float:
    return statistics.median(values)
