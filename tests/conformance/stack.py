"""The real stack the checks run against: Redis, the TIDAL emulator, worker processes, the front over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from shared.settings import Settings
from tests.fake_tidal import EmulatorOptions, FakeTidal
from tests.support.redis_proc import RedisProcess
from tests.support.stack import make_stack_env, start_front, store_login, worker_pool

WORKERS = 2


@contextmanager
def running_front(work_dir: Path, workers: int = WORKERS) -> Iterator[str]:
    """Start Redis, the emulator (seed 42, logins approved), ``workers`` workers and the front, each on
    free ports; yield the front's MCP URL; stop everything on the way out (also on errors)."""
    with ExitStack() as stack:
        redis = RedisProcess(work_dir / "redis", persist=False).start()
        stack.callback(redis.close)
        emu = stack.enter_context(FakeTidal(EmulatorOptions(seed=42, auto_approve=True)))
        env = make_stack_env(work_dir, f"{redis.url}/0", emu.url)
        store_login(Settings.from_env(env), emu)
        stack.enter_context(worker_pool(env, work_dir / "logs", count=workers))
        front, url = start_front(dict(env), work_dir / "logs")
        stack.callback(front.stop)
        yield url
