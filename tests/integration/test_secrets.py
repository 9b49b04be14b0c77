"""Secrets and keys: the bundled Redis's password, a user's own Redis password, rq-dashboard's login,
what workers agree to run, and who may read the data dir."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
import redis
import requests
from rq import Queue
from rq.serializers import JSONSerializer

from shared.datadir import DASHBOARD_PASSWORD, REDIS_PASSWORD, secret
from shared.ops import redis_server
from shared.redis_conn import connect, ping
from shared.settings import Settings
from shared.tokens import TokenStore
from tests.support.logins import emulator_login
from tests.support.processes import free_port, http_ok, start_listening, tidal_mcp, wait_until
from tests.support.stack import front, worker_pool

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


def cmdlines() -> list[str]:
    """The command line of every process on this machine (what `ps` shows to every user)."""
    lines = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            lines.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue
    return lines


@pytest.fixture
def bundled(stack_env, tmp_path):
    """`tidal-mcp redis` (the bundled Redis) on a port of its own, with umask 022 in the caller's shell."""
    env = {**stack_env, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0", "TIDAL_MCP_DATA_DIR": str(tmp_path / "data")}
    old = os.umask(0o022)
    try:
        proc = start_listening(
            "redis",
            tidal_mcp("redis"),
            env,
            tmp_path / "logs",
            lambda: ping(connect(Settings.from_env(env).redis_url)),
            ("REDIS_URL",),
        )
    finally:
        os.umask(old)
    yield env, proc
    proc.stop()


def test_the_bundled_redis_requires_its_generated_password_which_never_reaches_argv(bundled, tmp_path):
    env, _proc = bundled
    data_dir = Path(env["TIDAL_MCP_DATA_DIR"])
    password = secret(data_dir, REDIS_PASSWORD, create=False)
    assert password and stat.S_IMODE((data_dir / "secrets" / REDIS_PASSWORD).stat().st_mode) == 0o600
    with pytest.raises(redis.AuthenticationError):
        redis.Redis.from_url(env["REDIS_URL"]).set("x", 1)
    assert connect(Settings.from_env(env).redis_url).ping()
    assert not any(password in line for line in cmdlines()), "the password is on a command line"
    conf = data_dir / "redis" / "redis.conf"
    assert stat.S_IMODE(conf.stat().st_mode) == 0o600


def test_everything_the_stack_writes_is_its_owners_only_whatever_the_umask(bundled, tmp_path, emu):
    env, _proc = bundled
    settings = Settings.from_env(env)
    TokenStore.from_settings(settings, connect(settings.redis_url)).save(emulator_login(emu))
    with worker_pool(env, tmp_path / "logs", count=1):
        connect(settings.redis_url).bgsave()
        data_dir = Path(env["TIDAL_MCP_DATA_DIR"])
        wait_until(lambda: (data_dir / "redis" / "dump.rdb").exists(), 30, "no RDB snapshot")
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    exposed = [
        f"{path} {oct(stat.S_IMODE(path.stat().st_mode))}"
        for path in data_dir.rglob("*")
        if stat.S_IMODE(path.lstat().st_mode) & 0o077
    ]
    assert not exposed, exposed
    assert {p.name for p in data_dir.rglob("*")} >= {"dump.rdb", "appendonly.aof", REDIS_PASSWORD}
    assert stat.S_IMODE(Path(env["TIDAL_MCP_KEYRING_FILE"]).stat().st_mode) == 0o600


async def test_a_users_own_redis_password_works_everywhere_and_never_shows(stack_env, tmp_path, emu, control):
    password = "users-own-redis-pw-0123456789"
    server_dir = tmp_path / "own-redis"
    port = free_port()
    own = redis_server.start("127.0.0.1", port, server_dir, persist=False, password=password)
    try:
        url = f"redis://:{password}@127.0.0.1:{port}/0"
        wait_until(lambda: ping(connect(url)), 30, "the user's Redis did not start")
        env = {**stack_env, "REDIS_URL": url}
        settings = Settings.from_env(env)
        TokenStore.from_settings(settings, connect(url)).save(emulator_login(emu))
        with worker_pool(env, tmp_path / "logs", count=1) as pool:
            front_proc = start_listening(
                "front",
                tidal_mcp("front"),
                env,
                tmp_path / "logs",
                lambda: http_ok(f"http://127.0.0.1:{env['TIDAL_MCP_PORT']}/ready"),
                ("TIDAL_MCP_PORT",),
            )
            try:
                async with front(url) as dispatcher:
                    track_id = control.get("catalog")["track_ids"][3]
                    data, _ = await dispatcher.call("track.get", {"track_id": track_id})
                    assert data["id"] == track_id
                status = subprocess.run(
                    tidal_mcp("status", "--json"),
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=60,
                    stdin=subprocess.DEVNULL,
                )
                assert '"ok": true' in status.stdout
                outputs = [status.stdout, status.stderr, front_proc.logs(tail=None), pool.logs()]
                outputs += [p.logs(tail=None) for p in pool.procs]
                assert not any(password in text for text in outputs), "the Redis password was printed or logged"
                assert not any(password in line for line in cmdlines()), "the Redis password is on a command line"
            finally:
                front_proc.stop()
    finally:
        redis_server.stop(own)


def test_workers_run_only_the_catalogs_functions(stack_env, logged_in, redis_url, tmp_path):
    target = tmp_path / "created-by-an-attacker"
    queue = Queue("tidal-read", connection=connect(redis_url), serializer=JSONSerializer)
    with worker_pool(stack_env, tmp_path / "logs", count=1) as pool:
        job = queue.enqueue_call("os.mkdir", args=[str(target)])
        r = connect(redis_url)
        r.lpush("tidal:pool:doorbell", "1")
        wait_until(
            lambda: job.get_status(refresh=True).value == "failed",
            15,
            lambda: "the forged job did not fail\n" + pool.logs(),
        )
        assert not target.exists(), "a function outside the catalog ran"
        assert "is not a tidal-mcp job function" in job.latest_result().exc_string
        assert "refused a job naming a function outside the job catalog" in pool.procs[0].logs(tail=None)


@pytest.fixture
def dashboard(stack_env, tmp_path):
    env = {**stack_env, "TIDAL_MCP_DASHBOARD_PORT": str(free_port())}
    proc = start_listening(
        "dashboard",
        tidal_mcp("dashboard"),
        env,
        tmp_path / "logs",
        lambda: requests.get(f"http://127.0.0.1:{env['TIDAL_MCP_DASHBOARD_PORT']}/", timeout=2).status_code == 401,
        ("TIDAL_MCP_DASHBOARD_PORT",),
    )
    yield env, f"http://127.0.0.1:{env['TIDAL_MCP_DASHBOARD_PORT']}", proc
    proc.stop()


def test_the_dashboard_needs_its_login_checks_host_and_refuses_cross_site_changes(dashboard, redis_url):
    env, base, proc = dashboard
    password = secret(Path(env["TIDAL_MCP_DATA_DIR"]), DASHBOARD_PASSWORD, create=False)
    data_dir = Path(env["TIDAL_MCP_DATA_DIR"])
    assert stat.S_IMODE((data_dir / "secrets" / DASHBOARD_PASSWORD).stat().st_mode) == 0o600
    auth = ("admin", password)
    assert requests.get(f"{base}/", timeout=5).status_code == 401
    assert requests.get(f"{base}/", auth=("admin", "wrong-password"), timeout=5).status_code == 401
    assert requests.get(f"{base}/", auth=auth, timeout=5).status_code == 200
    assert requests.get(f"{base}/", auth=auth, headers={"Host": "evil.example"}, timeout=5).status_code == 421
    assert requests.get(f"{base}/requeue/tidal-read", auth=auth, timeout=5).status_code == 405, (
        "a GET link must not requeue jobs"
    )
    forged = requests.post(
        f"{base}/requeue/tidal-read", auth=auth, headers={"Origin": "http://evil.example"}, timeout=5
    )
    assert forged.status_code == 403
    assert requests.post(f"{base}/requeue/tidal-read", auth=auth, timeout=5).status_code == 403, "no Origin, no change"
    own = requests.post(f"{base}/requeue/tidal-read", auth=auth, timeout=5, headers={"Origin": base})
    assert own.status_code == 200 and own.json()["status"] == "OK"
    deleted = requests.post(f"{base}/job/some-job/delete", auth=auth, headers={"Origin": base}, timeout=5)
    assert deleted.status_code != 200 or deleted.json().get("status") != "OK", "deletion is disabled by default"
    assert not any(redis_url in line for line in cmdlines()), "the Redis URL is on the dashboard's command line"
    status = subprocess.run(
        tidal_mcp("status"), env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    assert f"user admin  password {password}" in status.stdout
