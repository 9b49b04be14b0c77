"""Chaos fixtures: a persistent redis-server of the test's own (so it can be killed and restarted)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shared.redis_conn import connect
from shared.settings import Settings
from shared.tokens import StoredLogin, TokenStore
from tests.support.logins import emulator_login
from tests.support.redis_proc import RedisProcess


@pytest.fixture
def chaos_redis(tmp_path) -> Iterator[RedisProcess]:
    """A persistent (AOF + RDB) redis-server, as the bundled one runs in production."""
    server = RedisProcess(tmp_path / "redis", persist=True).start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def chaos_env(stack_env, chaos_redis) -> dict[str, str]:
    return {**stack_env, "REDIS_URL": f"{chaos_redis.url}/0"}


@pytest.fixture
def chaos_login(chaos_env, emu) -> StoredLogin:
    login = emulator_login(emu)
    TokenStore.from_settings(Settings.from_env(chaos_env), connect(chaos_env["REDIS_URL"])).save(login)
    return login
