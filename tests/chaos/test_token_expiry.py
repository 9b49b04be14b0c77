"""A forced token expiry with eight busy workers: one refresh for the pool, no failed call, no slow call."""

from __future__ import annotations

import asyncio
import time

import pytest

from shared.redis_conn import connect
from shared.settings import Settings
from shared.tokens import TokenStore
from tests.fake_tidal import EmulatorOptions, FakeTidal
from tests.fake_tidal.client import Control
from tests.support.logins import emulator_login
from tests.support.processes import wait_until
from tests.support.stack import front, worker_pool

pytestmark = [pytest.mark.chaos, pytest.mark.anyio]

WORKERS = 8


async def timed(dispatcher, track_id: int) -> float:
    started = time.monotonic()
    data, _ = await dispatcher.call("track.get", {"track_id": track_id})
    assert data["id"] == track_id
    return time.monotonic() - started


async def test_an_expiry_under_load_costs_one_refresh_and_no_failed_or_slow_call(stack_env, redis_url, tmp_path):
    options = EmulatorOptions(seed=42, auto_approve=True, rotate_refresh_tokens=True, latency_ms=50)
    with FakeTidal(options) as emu:
        control = Control(emu.url)
        env = {**stack_env, "TIDAL_BASE_URL": emu.url, "TIDAL_MCP_RATE_START": "200", "TIDAL_MCP_RATE_LIMIT": "200"}
        settings = Settings.from_env(env)
        first_login = TokenStore.from_settings(settings, connect(redis_url)).save(emulator_login(emu))
        ids = control.get("catalog")["track_ids"]
        with worker_pool(env, tmp_path / "logs", count=WORKERS) as pool:
            async with front(redis_url, wait_timeout=30) as dispatcher:
                normal = await asyncio.gather(*(timed(dispatcher, t) for t in ids[: 4 * WORKERS]))
                control.post("tokens/expire")
                control.post("reset")
                after = await asyncio.gather(
                    *(timed(dispatcher, t) for t in ids[100 : 100 + 6 * WORKERS]), return_exceptions=True
                )
            logs = [proc.logs(tail=None) for proc in pool.procs]
            wait_until(
                lambda: TokenStore.from_settings(settings).load().refresh_token != first_login.refresh_token,
                20,
                "the rotated refresh token was not persisted to the keyring",
            )
        failures = [a for a in after if isinstance(a, BaseException)]
        assert not failures, failures[:3]
        assert control.get("counters")["routes"].get("POST /auth/v1/oauth2/token") == 1, "one refresh for the pool"
        assert max(after) <= max(normal) + 2.0, (max(normal), max(after))
        assert sum(log.count("refreshed the TIDAL access token") for log in logs) == 1
        assert sum("adopted a token refreshed by another worker" in log for log in logs) >= 2, (
            "other workers must adopt the refreshed token, not refresh themselves"
        )
