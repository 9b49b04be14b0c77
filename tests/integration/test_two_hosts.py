"""Two hosts (docs/multi-host.md): host A, logged in, and host B, which runs only workers against A's
password-protected Redis with a copy of A's encrypted keyring file - each with its own data dir,
environment and keyring file. The pool-wide token refresh, budget and job recovery hold across both
worker groups; ``tidal-mcp supervise --workers-only`` runs such a host under supervisord and refuses
to start without what it needs.

The module shares a real redis-server with ``requirepass``, the emulator with a hidden global budget
(TIDAL's, never told) and host A's login. The two worker groups (two workers per host) serve one test
that shows (a) token refresh, (b) the budget and (c) job recovery in turn: xdist spreads a module's
tests over its processes, and one test is the way to build that stack once.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from rq import Worker
from rq.job import Job
from rq.serializers import JSONSerializer

from shared.catalog import OPERATIONS
from shared.keyring_store import KeyringStore, keyring_backend
from shared.pool import count_live_workers
from shared.ratelimit import BUCKET_KEY
from shared.redis_conn import connect
from shared.settings import Settings
from shared.tokens import TokenStore
from tests.fake_tidal import EmulatorOptions, FakeTidal
from tests.fake_tidal.client import Control
from tests.support.logins import emulator_login
from tests.support.processes import Proc, tidal_mcp, wait_until
from tests.support.redis_proc import RedisProcess
from tests.support.stack import WorkerPool, front, make_stack_env, store_login, worker_pool

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

REDIS_PASSWORD = "two-hosts-redis-pass/word"  # a "/" too: it must survive URL quoting
PER_HOST = 2  # workers per host
POOL_RATE = 8.0  # the pool's budget (TIDAL_MCP_RATE_START = _LIMIT = _BURST): requests/s for both hosts
TIDAL_BUDGET = 10.0  # the emulator's hidden budget, global (one account), burst as much
TOKEN_ROUTE = "POST /auth/v1/oauth2/token"
REFRESHED, ADOPTED = "refreshed the TIDAL access token", "adopted a token refreshed by another worker"


def host_env(home: Path, redis_url: str, tidal_url: str) -> dict[str, str]:
    """One host's environment: its own data dir and keyring file, the shared Redis URL and budget."""
    env = make_stack_env(home, redis_url, tidal_url)
    rate = str(int(POOL_RATE))
    env.update(TIDAL_MCP_RATE_START=rate, TIDAL_MCP_RATE_LIMIT=rate, TIDAL_MCP_RATE_BURST=rate)
    return env


def copy_login(env_a: dict[str, str], env_b: dict[str, str]) -> None:
    """docs/multi-host.md step 3: copy A's encrypted keyring file to B (0600); B sets the same password."""
    target = Path(env_b["TIDAL_MCP_KEYRING_FILE"])
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(env_a["TIDAL_MCP_KEYRING_FILE"], target)
    target.chmod(0o600)
    assert env_b["TIDAL_MCP_KEYRING_PASSWORD"] == env_a["TIDAL_MCP_KEYRING_PASSWORD"]


@dataclass
class Hosts:
    """The two worker groups on the shared Redis; which host a worker (``host.worker.pid``) belongs to."""

    redis_url: str
    emu: FakeTidal
    control: Control
    a: WorkerPool
    b: WorkerPool

    @property
    def redis(self) -> redis.Redis:
        return connect(self.redis_url)

    def pool_of(self, worker_name: str | None) -> str:
        for host, pool in (("A", self.a), ("B", self.b)):
            if any((worker_name or "").endswith(f".{p.pid}") for p in pool.procs):
                return host
        raise AssertionError(f"{worker_name} is neither host's worker")

    def jobs_done(self) -> dict[str, int]:
        """Successful jobs per host, from the workers' RQ records."""
        done = {"A": 0, "B": 0}
        for worker in Worker.all(connection=self.redis):
            done[self.pool_of(worker.name)] += worker.successful_job_count
        return done

    def log_count(self, host: str, text: str) -> int:
        pool = self.a if host == "A" else self.b
        return sum(p.logs(tail=None).count(text) for p in pool.procs)

    def live(self) -> int:
        return count_live_workers(self.redis)


@dataclass
class Shared:
    """What the hosts share: the password-protected Redis, TIDAL (the emulator), and host A's login."""

    redis_url: str
    emu: FakeTidal
    env_a: dict[str, str]
    home: Path


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    home = tmp_path_factory.mktemp("two-hosts")
    server = RedisProcess(home / "redis", persist=False, password=REDIS_PASSWORD).start()
    options = EmulatorOptions(
        seed=42,
        auto_approve=True,
        device_interval=0.05,
        budget_rate=TIDAL_BUDGET,
        budget_burst=int(TIDAL_BUDGET),
        budget_scope="global",
    )
    try:
        with FakeTidal(options) as emu:
            url = f"{server.url}/0"
            env_a = host_env(home / "host-a", url, emu.url)
            store_login(Settings.from_env(env_a), emu)  # `tidal-mcp login` on host A
            yield Shared(url, emu, env_a, home)
    finally:
        server.close()


@pytest.fixture
def hosts(shared: Shared) -> Iterator[Hosts]:
    """Host A's and host B's worker groups, PER_HOST workers each; B's keyring is a copy of A's."""
    env_b = host_env(shared.home / "host-b", shared.redis_url, shared.emu.url)
    copy_login(shared.env_a, env_b)
    assert shared.env_a["TIDAL_MCP_DATA_DIR"] != env_b["TIDAL_MCP_DATA_DIR"]
    with (
        worker_pool(shared.env_a, shared.home / "host-a" / "logs", count=0) as a,
        worker_pool(env_b, shared.home / "host-b" / "logs", count=0) as b,
    ):
        a.start(PER_HOST)
        b.start(PER_HOST)
        wait_until(
            lambda: count_live_workers(connect(shared.redis_url)) == 2 * PER_HOST,
            60,
            lambda: "the two hosts' workers did not all register\n" + a.logs() + b.logs(),
        )
        yield Hosts(shared.redis_url, shared.emu, Control(shared.emu.url), a, b)


def test_the_shared_redis_refuses_a_client_without_the_password(shared: Shared) -> None:
    bare = shared.redis_url.split("@", 1)[1]
    with pytest.raises(redis.AuthenticationError):
        connect(f"redis://{bare}").ping()


async def token_refresh_is_pool_wide(hosts: Hosts) -> None:
    """(a) An expired token: one refresh at TIDAL; the other host adopts it; both keep answering."""
    ids = hosts.control.get("catalog")["track_ids"][300:316]
    before = hosts.jobs_done()
    refreshed_before = {h: hosts.log_count(h, REFRESHED) for h in "AB"}
    adopted_before = {h: hosts.log_count(h, ADOPTED) for h in "AB"}
    refreshes = hosts.control.get("counters")["routes"].get(TOKEN_ROUTE, 0)
    hosts.control.post("tokens/expire")
    async with front(hosts.redis_url, wait_timeout=60) as dispatcher:
        answers = await asyncio.gather(*(dispatcher.call("track.get", {"track_id": t}) for t in ids))
    assert [data["id"] for data, _source in answers] == ids
    after = hosts.jobs_done()
    assert after["A"] > before["A"] and after["B"] > before["B"], f"both hosts answered after the expiry: {after}"
    assert hosts.control.get("counters")["routes"].get(TOKEN_ROUTE, 0) == refreshes + 1, (
        "one refresh at TIDAL for the whole pool"
    )
    refreshed = {h: hosts.log_count(h, REFRESHED) - refreshed_before[h] for h in "AB"}
    adopted = {h: hosts.log_count(h, ADOPTED) - adopted_before[h] for h in "AB"}
    [refresher] = [h for h in "AB" if refreshed[h] == 1]
    other = "B" if refresher == "A" else "A"
    assert refreshed[other] == 0 and adopted[other] >= 1, (
        f"the other host adopted the token from the live record: refreshed {refreshed}, adopted {adopted}"
    )


async def budget_is_pool_wide(hosts: Hosts) -> None:
    """(b) Both hosts busy: together within the pool's one budget, so TIDAL's hidden budget holds."""
    ids = hosts.control.get("catalog")["track_ids"][400:448]
    before_jobs = hosts.jobs_done()
    counters = hosts.control.get("counters")
    before_total, before_429 = counters["total"], counters["rate_limited"]
    async with front(hosts.redis_url, wait_timeout=60) as dispatcher:
        started = time.monotonic()
        answers = await asyncio.gather(*(dispatcher.call("track.get", {"track_id": t}) for t in ids))
        elapsed = time.monotonic() - started
    assert [data["id"] for data, _source in answers] == ids
    counters = hosts.control.get("counters")
    requests, throttled = counters["total"] - before_total, counters["rate_limited"] - before_429
    after = hosts.jobs_done()
    share = {h: round((after[h] - before_jobs[h]) / len(ids), 2) for h in "AB"}
    measured = f"{requests} TIDAL requests ({throttled} answered 429) in {elapsed:.1f} s; jobs by host {share}"
    assert requests >= len(ids), measured
    # one bucket for both hosts: TIDAL saw at most POOL_RATE per second from the pool (plus one burst),
    # so its hidden budget (above that) answered (almost) no 429s
    assert requests <= POOL_RATE * (1 + elapsed * 1.1), measured
    # (with a bucket per host, 2 x POOL_RATE > TIDAL_BUDGET: 429s, each pausing the pool for Retry-After)
    assert throttled <= 0.01 * requests, measured
    # ... and since the pool started (the workers' start and the refresh came in bursts, with 4 workers)
    assert counters["rate_limited"] <= 0.01 * counters["total"], (
        f"since the start: {counters['rate_limited']} of {counters['total']} TIDAL requests answered 429"
    )
    assert min(share.values()) >= 0.2, f"both hosts were busy: {measured}"
    buckets = sorted(key.decode() for key in hosts.redis.scan_iter(match=f"{BUCKET_KEY}*"))
    assert buckets == [BUCKET_KEY], f"one v1 bucket in Redis for the pool: {buckets}"


async def jobs_of_killed_host_b_workers_finish_on_host_a(hosts: Hosts) -> None:
    """(c) Host B's workers killed mid-job: host A's finish those jobs, one answer each."""
    albums = hosts.control.get("catalog")["album_ids"][10 : 10 + 2 * PER_HOST]
    calls = [{"album_id": album} for album in albums]
    r = hosts.redis
    hosts.control.post("faults", {"latency_ms": 3000, "path_regex": "^/v1/albums/"})
    try:
        async with front(hosts.redis_url, wait_timeout=60) as dispatcher:
            pending = [asyncio.ensure_future(dispatcher.call("album.get", args)) for args in calls]

            def all_started() -> list[Job] | None:
                """One slow job per worker: every worker of both hosts holds one, B's included."""
                jobs = []
                for args in calls:
                    job_id = r.get(OPERATIONS["album.get"].coalesce_key(args))
                    job = Job.fetch(job_id.decode(), connection=r, serializer=JSONSerializer) if job_id else None
                    if job is None or job.get_status().value != "started":
                        return None
                    jobs.append(job)
                return jobs

            jobs = await asyncio.to_thread(wait_until, all_started, 20, "the workers did not all start a job")
            on_b = [job for job in jobs if hosts.pool_of(job.worker_name) == "B"]
            assert len(on_b) == PER_HOST
            for job in on_b:  # kill -9 every host-B worker mid-job: only host A can finish these
                victim = next(p for p in hosts.b.procs if job.worker_name.endswith(f".{p.pid}"))
                os.kill(victim.pid, signal.SIGKILL)
            hosts.control.delete("faults")
            answers = await asyncio.wait_for(asyncio.gather(*pending), 45)
        assert [data["id"] for data, _source in answers] == albums, "every caller got its album"
        for job in on_b:
            finished = Job.fetch(job.id, connection=r, serializer=JSONSerializer)
            assert finished.get_status().value == "finished"
            assert hosts.pool_of(finished.worker_name) == "A", "host A's worker finished host B's job"
            assert len(list(finished.results())) == 1, "one answer for the recovered job"
        paths = hosts.control.get("counters")["paths"]
        assert all(paths.get(f"GET /v1/albums/{album}", 0) <= 2 for album in albums)
        wait_until(lambda: hosts.live() == PER_HOST, 20, "host B's killed workers still count as alive")
    finally:
        hosts.control.delete("faults")


async def test_two_worker_groups_share_token_refresh_budget_and_job_recovery(hosts: Hosts) -> None:
    """(a), (b) and (c) in turn on one four-worker stack: one test, so that xdist never builds it twice."""
    await token_refresh_is_pool_wide(hosts)
    await budget_is_pool_wide(hosts)
    await jobs_of_killed_host_b_workers_finish_on_host_a(hosts)  # last: it leaves host B without workers


def test_supervise_workers_only_runs_only_workers_on_the_shared_redis(shared: Shared, tmp_path: Path) -> None:
    env = {**host_env(tmp_path / "host-c", shared.redis_url, shared.emu.url), "TIDAL_MCP_WORKERS": "1"}
    copy_login(shared.env_a, env)

    def live() -> int:
        return count_live_workers(connect(shared.redis_url))

    before = live()
    host_c = Proc("host-c", tidal_mcp("supervise", "--workers-only"), env, tmp_path / "logs")
    try:
        wait_until(
            lambda: live() == before + 1,
            60,
            lambda: "host C's supervised worker did not join the pool\n" + host_c.problems(),
        )
        status = subprocess.run(
            tidal_mcp("supervisorctl", "status"),
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )
        programs = sorted(line.split()[0] for line in status.stdout.splitlines() if line.strip())
        assert programs == ["tidal-mcp:worker_00"], status.stdout + status.stderr
        data_dir = Path(env["TIDAL_MCP_DATA_DIR"])
        assert not (data_dir / "redis").exists(), "a workers-only host runs no Redis"
        logs = "".join(path.read_text(errors="replace") for path in (data_dir / "logs").glob("*.log"))
        assert REDIS_PASSWORD not in logs and REDIS_PASSWORD not in host_c.logs(tail=None)
    finally:
        host_c.stop(timeout=60)
    wait_until(lambda: live() == before, 30, "host C's worker did not leave the pool")


def refused(env: dict[str, str], log_dir: Path) -> str:
    """``tidal-mcp supervise --workers-only`` with ``env``: it must exit 1 at once; its stderr."""
    proc = Proc("refused", tidal_mcp("supervise", "--workers-only"), env, log_dir)
    try:
        wait_until(lambda: not proc.alive(), 30, lambda: "it started instead of refusing\n" + proc.logs())
    finally:
        code = proc.stop()
    assert code == 1, proc.logs()
    return proc.stderr_path.read_text()


def test_supervise_workers_only_refuses_without_the_password_or_with_a_stale_login(
    shared: Shared, tmp_path: Path
) -> None:
    env = host_env(tmp_path / "host-d", shared.redis_url, shared.emu.url)
    copy_login(shared.env_a, env)
    wrong = shared.redis_url.replace(REDIS_PASSWORD.replace("/", "%2F"), "not-the-password")
    assert wrong != shared.redis_url
    message = refused({**env, "REDIS_URL": wrong}, tmp_path / "wrong")
    assert "no Redis answers" in message and "not-the-password" not in message, message
    message = refused(
        {**env, "REDIS_URL": "redis://127.0.0.1:" + shared.redis_url.rsplit(":", 1)[1]}, tmp_path / "bare"
    )
    assert "has no password" in message, message
    # a keyring that is not a copy of the pool's current login (e.g. made before A logged in again)
    stale = {**env, "TIDAL_MCP_KEYRING_FILE": str(tmp_path / "stale.cfg")}
    TokenStore(KeyringStore(keyring_backend(Settings.from_env(stale)))).save(emulator_login(shared.emu))
    message = refused(stale, tmp_path / "stale")
    assert "not the pool's current login" in message, message
