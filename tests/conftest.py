"""Fixtures shared by the whole suite.

Each xdist worker gets its own redis-server (the bundled binary, on a free port) and its own
emulator; each test starts from an empty Redis and a reset emulator. Logins live in an encrypted
keyring file under the test's tmp dir (the same TIDAL_MCP_KEYRING_FILE/PASSWORD path users take).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from shared.redis_conn import connect  # noqa: E402
from shared.settings import Settings  # noqa: E402
from shared.tokens import StoredLogin  # noqa: E402
from tests.fake_tidal import EmulatorOptions, FakeTidal  # noqa: E402
from tests.fake_tidal.client import Control  # noqa: E402
from tests.support.redis_proc import RedisProcess  # noqa: E402
from tests.support.stack import make_stack_env, store_login  # noqa: E402


@pytest.fixture(scope="session")
def redis_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``redis://127.0.0.1:PORT``: a private redis-server for this xdist worker."""
    server = RedisProcess(tmp_path_factory.mktemp("redis"), persist=False).start()
    try:
        yield server.url
    finally:
        server.close()


@pytest.fixture
def redis_url(redis_server_url: str) -> str:
    """A Redis URL on an emptied database."""
    url = f"{redis_server_url}/0"
    connect(url).flushall()
    return url


@pytest.fixture(scope="session")
def emulator() -> Iterator[FakeTidal]:
    """One in-process emulator per xdist worker (reset before each test by ``emu``)."""
    with FakeTidal(EmulatorOptions(seed=42, auto_approve=True, device_interval=0.05)) as emu:
        yield emu


@pytest.fixture
def emu(emulator: FakeTidal) -> FakeTidal:
    """The emulator with counters, state and faults reset."""
    control = Control(emulator.url)
    control.delete("faults")
    control.post("reset", {"state": True})
    return emulator


@pytest.fixture
def control(emu: FakeTidal) -> Control:
    return Control(emu.url)


@pytest.fixture
def catalog(control: Control) -> dict:
    return control.get("catalog")


@pytest.fixture
def stack_env(tmp_path: Path, redis_url: str, emu: FakeTidal) -> dict[str, str]:
    """Environment for tidal-mcp processes: private Redis, the emulator, a keyring file, free ports."""
    return make_stack_env(tmp_path, redis_url, emu.url)


@pytest.fixture
def settings(stack_env: dict[str, str]) -> Settings:
    return Settings.from_env(stack_env)


@pytest.fixture
def logged_in(settings: Settings, emu: FakeTidal) -> StoredLogin:
    """Store a login for the emulator's user, as `tidal-mcp login` would."""
    return store_login(settings, emu)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
