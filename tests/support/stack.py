"""Worker processes and dispatchers for integration tests (real Redis, real worker processes)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcp_front.dispatch import Dispatcher
from mcp_front.waiter import ResultWaiter
from shared.catalog import CACHE_PREFIXES
from shared.near_cache import NearCache
from shared.pool import count_live_workers, live_worker_names
from shared.redis_conn import connect, connect_async
from shared.settings import Settings
from shared.tokens import StoredLogin, TokenStore
from tests.fake_tidal import EmulatorOptions, FakeTidal
from tests.fake_tidal.client import Control
from tests.support.logins import emulator_login
from tests.support.processes import Proc, free_port, http_ok, start_listening, tidal_mcp, wait_until
from tests.support.redis_proc import RedisProcess

KEYRING_PASSWORD = "test-keyring-password"


def make_stack_env(tmp_path: Path, redis_url: str, tidal_url: str) -> dict[str, str]:
    """Environment for tidal-mcp processes: private Redis, the emulator, a keyring file, free ports."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TIDAL_", "PROMETHEUS_"))}
    env.update(
        REDIS_URL=redis_url,
        TIDAL_BASE_URL=tidal_url,
        TIDAL_MCP_KEYRING_FILE=str(tmp_path / "keyring.cfg"),
        TIDAL_MCP_KEYRING_PASSWORD=KEYRING_PASSWORD,
        TIDAL_MCP_DATA_DIR=str(tmp_path / "run"),
        TIDAL_MCP_HOST="127.0.0.1",
        TIDAL_MCP_PORT=str(free_port()),
        TIDAL_MCP_DASHBOARD_PORT=str(free_port()),
        TIDAL_MCP_WAIT_TIMEOUT="20",
        TIDAL_MCP_LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    return env


def store_login(settings: Settings, emu: FakeTidal) -> StoredLogin:
    """Store a login for the emulator's user, as `tidal-mcp login` would."""
    login = emulator_login(emu)
    TokenStore.from_settings(settings, connect(settings.redis_url)).save(login)
    return login


class WorkerPool:
    """N ``tidal-mcp worker`` processes, registered in Redis before the block starts."""

    def __init__(self, env: Mapping[str, str], log_dir: Path) -> None:
        self.env = dict(env)
        self.log_dir = log_dir
        self.procs: list[Proc] = []
        self.redis = connect(Settings.from_env(self.env).redis_url)  # with the bundled Redis's password, if any

    def start(self, count: int = 1) -> list[Proc]:
        before = len(self.procs)
        for i in range(before, before + count):
            self.procs.append(Proc(f"worker{i}", tidal_mcp("worker"), self.env, self.log_dir))
        expected = len([p for p in self.procs if p.alive()])
        wait_until(
            lambda: count_live_workers(self.redis) >= expected,
            30,
            lambda: f"{expected} workers did not register\n" + self.logs(),
        )
        return self.procs[before:]

    def name_of(self, proc: Proc) -> str:
        return next(name for name in live_worker_names(self.redis) if name.endswith(f".{proc.pid}"))

    def logs(self) -> str:
        return "\n".join(p.problems() for p in self.procs)

    def stop(self) -> None:
        for proc in self.procs:
            proc.stop()


@contextmanager
def worker_pool(env: Mapping[str, str], log_dir: Path, count: int = 1) -> Iterator[WorkerPool]:
    pool = WorkerPool(env, log_dir)
    try:
        if count:
            pool.start(count)
        yield pool
    finally:
        pool.stop()


class Front:
    """The front's dispatcher as a test drives it: ``await front.call(op, args)`` -> ``(data, source)``."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher

    async def call(self, name: str, args: dict[str, Any]) -> tuple[Any, str]:
        answer = await self.dispatcher.call(name, args)
        return answer.data, answer.source


@asynccontextmanager
async def front(
    redis_url: str, wait_timeout: float = 20, near_entries: int = Settings.near_cache_entries, **options: Any
) -> AsyncIterator[Front]:
    """A front's dispatcher, result waiter and near cache on ``redis_url`` (what ``tidal-mcp front`` runs)."""
    sync_client, async_client = connect(redis_url), connect_async(redis_url)
    near = NearCache(CACHE_PREFIXES, max_entries=near_entries) if near_entries else None
    waiter = ResultWaiter(async_client, sync_client, near=near)
    await waiter.start()
    try:
        yield Front(Dispatcher(async_client, waiter, sync_client, wait_timeout=wait_timeout, near=near, **options))
    finally:
        await waiter.stop()
        await async_client.aclose()
        sync_client.close()


#: What the pool caches or records about TIDAL's content (not its own state: workers, login, queues).
CONTENT_KEYS = (
    "tidal:playlist:*",
    "tidal:library:*",
    "tidal:favorites:*",
    "tidal:track:*",
    "tidal:album:*",
    "tidal:artist:*",
    "tidal:search:*",
    "tidal:snapshot:*",
    "tidal:snapshots",
    "tidal:write:*",
    "tidal:*-summary:*",
    "tidal:isrc:*",
    "tidal:barcode:*",
    "tidal:match:*",
    "tidal:export-part:*",
    "tidal:job:*",
    "tidal:jobs:*",
    "tidal:batch:*",
    "tidal:stream:*",
    "tidal:video-stream:*",
    "tidal:stream-item:*",
    "tidal:pool:paused",
)


def start_front(env: dict[str, str], log_dir: Path) -> tuple[Proc, str]:
    """``tidal-mcp front`` on a fresh port (written into ``env``), ready; its MCP URL."""
    env["TIDAL_MCP_PORT"] = str(free_port())
    proc = start_listening(
        "front",
        tidal_mcp("front"),
        env,
        log_dir,
        lambda: http_ok(f"http://127.0.0.1:{env['TIDAL_MCP_PORT']}/ready"),
        ("TIDAL_MCP_PORT",),
    )
    return proc, f"http://127.0.0.1:{env['TIDAL_MCP_PORT']}/mcp"


@dataclass
class SharedStack:
    """A stack that outlives one test (for a module of tests): its own Redis, emulator, login, workers.

    :meth:`fresh` puts TIDAL's content and the pool's caches back as they were, keeping the login and
    the worker processes, so each test still starts from the seeded catalog.
    """

    env: dict[str, str]
    emu: FakeTidal
    control: Control
    pool: WorkerPool
    redis_url: str
    #: With ``front=True``: the ``tidal-mcp front`` process and its MCP URL.
    front: Proc | None = None
    mcp_url: str = ""

    def fresh(self) -> None:
        self.control.delete("faults")
        self.control.post("reset", {"state": True, "keep_tokens": True})
        client = connect(self.redis_url)
        for pattern in CONTENT_KEYS:
            keys = list(client.scan_iter(match=pattern, count=1000))
            if keys:
                client.delete(*keys)


@contextmanager
def shared_stack(tmp_path: Path, workers: int = 2, front: bool = False, **env: str) -> Iterator[SharedStack]:
    """Start a :class:`SharedStack` with ``workers`` worker processes, extra ``env`` settings and, with
    ``front``, a front process for MCP clients."""
    redis = RedisProcess(tmp_path / "redis", persist=False).start()
    try:
        with FakeTidal(EmulatorOptions(seed=42, auto_approve=True, device_interval=0.05)) as emu:
            stack_env = {**make_stack_env(tmp_path, f"{redis.url}/0", emu.url), **env}
            store_login(Settings.from_env(stack_env), emu)
            with worker_pool(stack_env, tmp_path / "logs", count=workers) as pool:
                stack = SharedStack(stack_env, emu, Control(emu.url), pool, f"{redis.url}/0")
                if front:
                    stack.front, stack.mcp_url = start_front(dict(stack_env), tmp_path / "logs")
                try:
                    yield stack
                finally:
                    if stack.front is not None:
                        stack.front.stop()
    finally:
        redis.close()
