"""Fixtures for the emulator's own tests: running emulators and real tidalapi sessions."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import tidalapi

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # plain `pytest` (not `python -m pytest`) does not add it
    sys.path.insert(0, str(REPO_ROOT))

from tests.fake_tidal import EmulatorOptions, FakeTidal  # noqa: E402
from tests.fake_tidal.client import Control, logged_in_session  # noqa: E402


@pytest.fixture(scope="module")
def shared_emu() -> Iterator[FakeTidal]:
    """One emulator per test module, for tests that only read."""
    with FakeTidal(EmulatorOptions(seed=42, auto_approve=True)) as emu:
        yield emu


@pytest.fixture
def make_emu() -> Iterator[Callable[..., FakeTidal]]:
    """Factory for private emulators (``make_emu(rate_limit=2)``); all stopped at teardown."""
    started: list[FakeTidal] = []

    def make(**overrides: Any) -> FakeTidal:
        options = EmulatorOptions(**{"seed": 42, "auto_approve": True, "device_interval": 0.05, **overrides})
        emu = FakeTidal(options).start()
        started.append(emu)
        return emu

    yield make
    for emu in started:
        emu.stop()


@pytest.fixture
def emu(make_emu: Callable[..., FakeTidal]) -> FakeTidal:
    """A private emulator with default options."""
    return make_emu()


@pytest.fixture
def control(emu: FakeTidal) -> Control:
    """Control client for ``emu``."""
    return Control(emu.url)


@pytest.fixture
def session(emu: FakeTidal) -> tidalapi.Session:
    """A logged-in tidalapi Session on the private ``emu``."""
    return logged_in_session(emu)


@pytest.fixture(scope="module")
def shared_session(shared_emu: FakeTidal) -> tidalapi.Session:
    """A logged-in tidalapi Session on the module's shared emulator."""
    return logged_in_session(shared_emu)


@pytest.fixture(scope="module")
def shared_catalog(shared_emu: FakeTidal) -> dict:
    """``GET /_control/catalog`` of the shared emulator."""
    return Control(shared_emu.url).get("catalog")
