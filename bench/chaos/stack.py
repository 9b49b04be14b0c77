"""A black-box stack for the chaos runner: real processes driven only through their public surfaces.

It runs the ``tidal-mcp`` commands of any installation (``--bin``; by default this checkout's venv)
against this checkout's TIDAL emulator, so the same scenarios measure the current code and an older
one side by side. It touches the stack only as an operator or a client would: the bundled Redis
(``tidal-mcp redis``), ``tidal-mcp login``, ``tidal-mcp worker``, ``tidal-mcp front``, the MCP SDK
client over HTTP, ``/health``, and Redis keys RQ itself defines (queues, job hashes).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from mcp import Client

from shared.redis_conn import connect, ping
from shared.settings import Settings
from tests.fake_tidal import FakeTidal
from tests.fake_tidal.client import Control
from tests.support.processes import Proc, free_port, wait_until


@dataclass
class CallResult:
    """One MCP tool call as a client saw it."""

    ok: bool
    seconds: float
    text: str = ""
    data: dict[str, Any] | None = None


def fixed_budget(rate: float) -> dict[str, str]:
    """Stack settings that pin the pool's TIDAL budget at ``rate`` req/s (no adaptation, no burst)."""
    return {
        "TIDAL_MCP_RATE_START": str(rate),
        "TIDAL_MCP_RATE_LIMIT": str(rate),
        "TIDAL_MCP_RATE_FLOOR": str(min(rate, 1.0)),
        "TIDAL_MCP_RATE_BURST": "1",
    }


async def call(client: Client, tool: str, args: dict[str, Any]) -> CallResult:
    start = time.perf_counter()
    try:
        result = await client.call_tool(tool, args)
    except Exception as exc:  # transport failure: counts as an error the user saw
        return CallResult(False, time.perf_counter() - start, f"{type(exc).__name__}: {exc}")
    elapsed = time.perf_counter() - start
    if result.is_error:
        return CallResult(False, elapsed, result.content[0].text if result.content else "")
    return CallResult(True, elapsed, data=result.structured_content)


@dataclass
class BlackBoxStack:
    """Redis, N workers and a front of the installation in ``bin_dir``, against ``emulator``."""

    bin_dir: Path
    tmp: Path
    emulator: FakeTidal
    extra_env: dict[str, str] = field(default_factory=dict)
    redis: Proc | None = None
    front: Proc | None = None
    workers: list[Proc] = field(default_factory=list)

    def __post_init__(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TIDAL_", "PROMETHEUS_", "REDIS_"))}
        env.update(
            REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
            TIDAL_BASE_URL=self.emulator.url,
            TIDAL_MCP_KEYRING_FILE=str(self.tmp / "keyring.cfg"),
            TIDAL_MCP_KEYRING_PASSWORD="chaos-bench",
            TIDAL_MCP_DATA_DIR=str(self.tmp / "run"),
            TIDAL_MCP_PORT=str(free_port()),
            TIDAL_MCP_LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        self.env = env
        self.control = Control(self.emulator.url)

    # -- processes ---------------------------------------------------------------------------------

    def command(self, *args: str) -> list[str]:
        return [str(self.bin_dir / "tidal-mcp"), *args]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['TIDAL_MCP_PORT']}"

    def start(self, workers: int) -> BlackBoxStack:
        self.start_redis()
        login = subprocess.run(self.command("login"), env=self.env, capture_output=True, text=True, timeout=120)
        if login.returncode != 0:
            raise RuntimeError(f"tidal-mcp login failed: {login.stderr}")
        for _ in range(workers):
            self.add_worker()
        self.front = Proc("front", self.command("front"), self.env, self.tmp / "logs")
        wait_until(
            lambda: self.health().get("workers") == workers,
            90,
            lambda: "the stack did not become healthy\n" + self.front.logs(),
        )
        return self

    def start_redis(self) -> None:
        """The product's own bundled Redis (``tidal-mcp redis`` execs redis-server with its flags)."""
        self.redis = Proc(f"redis-{time.monotonic_ns()}", self.command("redis"), self.env, self.tmp / "logs")
        wait_until(lambda: ping(self.client()), 30, lambda: "redis did not start\n" + self.redis.logs())

    def kill_redis(self, sig: signal.Signals) -> None:
        """Signal redis-server itself (``tidal-mcp redis`` may be its parent or exec into it)."""
        assert self.redis is not None
        pid = int(self.client().info("server")["process_id"])
        os.kill(pid, sig)
        self.redis.popen.wait(30)

    def add_worker(self) -> Proc:
        proc = Proc(f"worker{len(self.workers)}", self.command("worker"), self.env, self.tmp / "logs")
        self.workers.append(proc)
        return proc

    def client(self):  # type: ignore[no-untyped-def]
        return connect(Settings.from_env(self.env).redis_url)

    def health(self) -> dict[str, Any]:
        try:
            return requests.get(f"{self.url}/health", timeout=5).json()
        except (requests.RequestException, ValueError):
            return {}

    def stop(self) -> None:
        for proc in [*self.workers, *([self.front] if self.front else [])]:
            proc.stop()
        if self.redis is not None:
            self.redis.stop()

    # -- what the emulator saw ---------------------------------------------------------------------

    def fetches(self, path: str) -> int:
        return self.control.get("counters")["paths"].get(path, 0)

    def rate_limited(self) -> int:
        counters = self.control.get("counters")
        return counters.get("rate_limited", counters.get("statuses", {}).get("429", 0))
