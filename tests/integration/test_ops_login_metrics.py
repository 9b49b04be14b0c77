"""Login failures are counted where the dashboard and the TidalMcpLoginRefreshFailing alert read them.

A real worker process refreshes an expired access token against the emulator: a refused refresh token
counts ``rejected``, an auth server that does not answer counts ``failed``, a good one ``refreshed``;
the samples are read the way the front's ``/metrics`` reads them (the multiprocess directory the
worker writes, plus the pool figures from Redis), and the login state the workers recorded is exported.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from shared.errors import NotLoggedIn, UpstreamUnavailable
from shared.metrics import PoolCollector
from shared.redis_conn import connect
from shared.settings import Settings
from shared.tokens import TokenStore
from tests.support.logins import emulator_login
from tests.support.processes import wait_until
from tests.support.stack import front, worker_pool

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


def scrape(directory: Path, redis_url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))
    registry.register(PoolCollector(connect(redis_url)))
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(generate_latest(registry).decode())
        for s in family.samples
    }


def refreshes(samples, outcome: str) -> float:
    return samples.get(("tidal_mcp_login_refreshes_total", (("outcome", outcome),)), 0.0)


def login_state(samples) -> str:
    [state] = [
        dict(labels)["state"]
        for (name, labels), value in samples.items()
        if name == "tidal_mcp_login_state" and value == 1
    ]
    return state


@pytest.fixture
def env(stack_env, tmp_path):
    directory = tmp_path / "prometheus"
    directory.mkdir()
    return {**stack_env, "PROMETHEUS_MULTIPROC_DIR": str(directory)}


async def call_after_expiry(env, redis_url, emu, control, tmp_path, refresh_token: str | None = None):
    """Store a login (its refresh token replaced when given), expire every access token, and make one
    call through a worker: its session must refresh. Returns the outcome of the call."""
    login = emulator_login(emu)
    if refresh_token is not None:
        login = replace(login, refresh_token=refresh_token)
    TokenStore.from_settings(Settings.from_env(env), connect(redis_url)).save(login)
    control.post("tokens/expire")
    track = control.get("catalog")["track_ids"][0]
    with worker_pool(env, tmp_path / "logs", count=1):
        async with front(redis_url) as dispatcher:
            try:
                data, _ = await dispatcher.call("track.get", {"track_id": track})
                return data
            except Exception as exc:  # the answer the client would see
                return exc


async def test_a_refused_refresh_token_counts_rejected_and_the_login_shows_rejected(
    env, redis_url, emu, control, tmp_path
):
    outcome = await call_after_expiry(env, redis_url, emu, control, tmp_path, refresh_token="rt_revoked")
    assert isinstance(outcome, NotLoggedIn), outcome
    directory = Path(env["PROMETHEUS_MULTIPROC_DIR"])
    samples = scrape(directory, redis_url)
    assert refreshes(samples, "rejected") >= 1
    assert refreshes(samples, "refreshed") == 0 and refreshes(samples, "failed") == 0
    assert login_state(samples) == "rejected"


async def test_an_auth_server_that_does_not_answer_counts_failed(env, redis_url, emu, control, tmp_path):
    control.post("faults", {"error_rate": 1.0, "error_status": 503, "path_regex": "/oauth2/token"})
    outcome = await call_after_expiry(env, redis_url, emu, control, tmp_path)
    assert isinstance(outcome, UpstreamUnavailable), repr(outcome)  # not "log in again": the login is fine
    samples = scrape(Path(env["PROMETHEUS_MULTIPROC_DIR"]), redis_url)
    assert refreshes(samples, "failed") >= 1
    assert refreshes(samples, "refreshed") == 0 and refreshes(samples, "rejected") == 0
    assert login_state(samples) != "rejected"


async def test_a_good_refresh_counts_refreshed(env, redis_url, emu, control, tmp_path):
    outcome = await call_after_expiry(env, redis_url, emu, control, tmp_path)
    assert isinstance(outcome, dict), outcome
    directory = Path(env["PROMETHEUS_MULTIPROC_DIR"])
    wait_until(lambda: refreshes(scrape(directory, redis_url), "refreshed") >= 1, 10, "no refresh counted")
    samples = scrape(directory, redis_url)
    assert refreshes(samples, "rejected") == 0 and refreshes(samples, "failed") == 0
    assert login_state(samples) == "ok"
