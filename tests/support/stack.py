"""Worker processes and dispatchers for integration tests (real Redis, real worker processes)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from mcp_front.dispatch import Dispatcher
from mcp_front.waiter import ResultWaiter
from shared.pool import count_live_workers, live_worker_names
from shared.redis_conn import connect, connect_async
from shared.settings import Settings
from tests.support.processes import Proc, tidal_mcp, wait_until


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
        wait_until(lambda: count_live_workers(self.redis) >= expected, 30,
                   lambda: f"{expected} workers did not register\n" + self.logs())
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
async def front(redis_url: str, wait_timeout: float = 20, **options: Any) -> AsyncIterator[Front]:
    """A front's dispatcher and result waiter on ``redis_url`` (what ``tidal-mcp front`` runs)."""
    sync_client, async_client = connect(redis_url), connect_async(redis_url)
    waiter = ResultWaiter(async_client, sync_client)
    await waiter.start()
    try:
        yield Front(Dispatcher(async_client, waiter, sync_client, wait_timeout=wait_timeout, **options))
    finally:
        await waiter.stop()
        await async_client.aclose()
        sync_client.close()
