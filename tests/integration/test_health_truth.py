"""Health tells the truth: "the stack is up" apart from "TIDAL answers and accepts the login"."""

from __future__ import annotations

import subprocess

import pytest
import requests

from shared.errors import NotLoggedIn, UpstreamUnavailable
from shared.redis_conn import connect
from tests.integration.test_front_http import start_front
from tests.support.processes import tidal_mcp
from tests.support.stack import front, worker_pool

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


def status(env: dict[str, str]) -> tuple[int, str]:
    result = subprocess.run(
        tidal_mcp("status"), env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    return result.returncode, result.stdout


async def test_health_and_status_tell_a_failing_tidal_and_a_rejected_login_from_a_healthy_stack(
    stack_env, logged_in, redis_url, control, catalog, tmp_path
):
    env = {**stack_env, "TIDAL_MCP_CIRCUIT_FAILURES": "2"}
    proc, base = start_front(env, tmp_path / "logs")
    try:
        with worker_pool(env, tmp_path / "logs", count=1):
            async with front(redis_url) as dispatcher:
                await dispatcher.call("track.get", {"track_id": catalog["track_ids"][1]})
                health = requests.get(f"{base}/health", timeout=5).json()
                assert (health["status"], health["tidal"]["state"], health["login"]) == ("ok", "reachable", "ok")
                assert status(env)[0] == 0

                control.post("faults", {"error_rate": 1.0, "error_status": 503})
                for track_id in catalog["track_ids"][2:4]:
                    with pytest.raises(UpstreamUnavailable):
                        await dispatcher.call("track.get", {"track_id": track_id})
                response = requests.get(f"{base}/health", timeout=5)
                health = response.json()
                assert response.status_code == 200, "the stack itself is up: cached answers still flow"
                assert health["status"] == "degraded" and health["tidal"]["state"] == "failing"
                assert health["tidal"]["circuit"] == "open"
                assert "TIDAL is failing (last answer 503)" in health["reasons"]
                code, text = status(env)
                assert code == 1 and "TIDAL is failing" in text and "circuit open" in text

                control.delete("faults")
                control.post("reset", {"state": True})  # every token TIDAL issued is revoked
                connect(redis_url).delete("tidal:circuit:open")  # skip the circuit's recovery wait
                with pytest.raises(NotLoggedIn, match="rejected"):
                    await dispatcher.call("track.get", {"track_id": catalog["track_ids"][5]})
                health = requests.get(f"{base}/health", timeout=5).json()
                assert health["status"] == "degraded" and health["login"] == "rejected"
                code, text = status(env)
                assert code == 1 and "TIDAL rejected the stored login" in text
    finally:
        proc.stop()
