"""The operator commands: login/logout against the emulator, and the Redis placeholder."""

from __future__ import annotations

import json
import signal

import pytest

from shared.redis_conn import connect
from shared.tokens import GENERATION_KEY, TokenStore
from tests.support.processes import Proc, tidal_mcp, wait_until

pytestmark = pytest.mark.integration


def run(env, tmp_path, *args: str, name: str = "cli") -> tuple[int, str, str]:
    proc = Proc(name, tidal_mcp(*args), env, tmp_path / "logs")
    code = proc.popen.wait(60)
    proc.stop()
    return code, proc.stdout_path.read_text(), proc.stderr_path.read_text()


def test_login_stores_tokens_tells_the_workers_and_logout_removes_them(
    stack_env, settings, redis_url, tmp_path, control
):
    redis_client = connect(redis_url)
    code, out, err = run(stack_env, tmp_path, "login", name="login")
    assert code == 0, err
    assert "/device/" in out and "Logged in to TIDAL as user" in out
    stored = TokenStore.from_settings(settings).load()
    assert stored is not None and stored.user_id == control.get("catalog")["user_id"]
    assert stored.access_token not in out + err and stored.refresh_token not in out + err
    assert int(redis_client.get(GENERATION_KEY)) == 1
    code, out, _ = run(stack_env, tmp_path, "logout", name="logout")
    assert code == 0 and "removed" in out
    assert TokenStore.from_settings(settings).load() is None
    assert int(redis_client.get(GENERATION_KEY)) == 2
    code, out, _ = run(stack_env, tmp_path, "logout", name="logout2")
    assert code == 0 and "No TIDAL login was stored" in out


def test_a_wrong_keyring_password_is_a_clear_error(stack_env, logged_in, tmp_path):
    env = {**stack_env, "TIDAL_MCP_KEYRING_PASSWORD": "wrong"}
    code, out, _ = run(env, tmp_path, "status")
    assert code == 1 and "cannot decrypt the keyring file" in out


def test_the_redis_placeholder_waits_when_a_redis_already_answers(stack_env, tmp_path):
    proc = Proc("redis", tidal_mcp("redis"), stack_env, tmp_path / "logs")
    try:
        wait_until(lambda: "already answering" in proc.stderr_path.read_text(), 30, "no placeholder message")
        assert proc.alive()
        proc.popen.send_signal(signal.SIGTERM)
        assert proc.popen.wait(15) == 0
    finally:
        proc.stop()


def test_cache_stats_drop_a_kind_and_a_key_and_never_the_pools_own_keys(stack_env, redis_url, tmp_path):
    client = connect(redis_url)
    client.set("tidal:track:1", b'{"env":{"ok":true,"data":{}},"ttl":60,"g":0}', ex=60)
    client.set("tidal:track:2", b'{"env":{"ok":true,"data":{}},"ttl":60,"g":0}', ex=60)
    client.set("tidal:playlist:abc", b'{"env":{"ok":true,"data":{}},"ttl":60,"g":0}', ex=60)
    client.set("tidal:auth:generation", b"7")
    code, out, _ = run(stack_env, tmp_path, "cache", "--json", name="stats")
    report = json.loads(out)
    assert code == 0 and report["kinds"]["track"]["entries"] == 2 and report["kinds"]["playlist"]["entries"] == 1
    assert report["kinds"]["track"]["bytes"] > 0 and "auth" not in report["kinds"]
    code, out, _ = run(stack_env, tmp_path, "cache", "drop", "track", "--json", name="drop")
    assert code == 0 and json.loads(out) == {"deleted": 2} and not client.exists("tidal:track:1")
    code, out, _ = run(stack_env, tmp_path, "cache", "drop-key", "tidal:playlist:abc", name="drop-key")
    assert code == 0 and "deleted 1" in out and not client.exists("tidal:playlist:abc")
    for args in (("drop", "auth"), ("drop-key", "tidal:auth:generation"), ("drop",)):
        code, _, err = run(stack_env, tmp_path, "cache", *args, name="refused")
        assert code == 2 and "tidal-mcp:" in err, args
    assert client.get("tidal:auth:generation") == b"7", "the pool's own keys are never cache entries"


def test_jobs_lists_shows_retries_a_failed_job_and_cancels_a_queued_one(stack_env, redis_url, logged_in, tmp_path):
    from rq import Queue
    from rq.job import Job
    from rq.serializers import JSONSerializer

    from tests.support.stack import worker_pool

    client = connect(redis_url)
    queue = Queue("tidal-read", connection=client, serializer=JSONSerializer)
    with worker_pool(stack_env, tmp_path / "logs", count=1):
        broken = queue.enqueue("workers.jobs.tracks.get_track")  # no track_id: the job fails
        wait_until(
            lambda: Job.fetch(broken.id, connection=client, serializer=JSONSerializer).is_failed,
            30,
            "the broken job did not fail",
        )
        code, out, _ = run(stack_env, tmp_path, "jobs", "--state", "failed", "--json", name="failed")
        listed = json.loads(out)
        assert code == 0 and [j["id"] for j in listed] == [broken.id]
        assert listed[0]["function"] == "get_track" and "track_id" in listed[0]["error"]
        code, out, _ = run(stack_env, tmp_path, "jobs", "show", broken.id, name="show")
        assert code == 0 and json.loads(out)["traceback_tail"]
        first_end = Job.fetch(broken.id, connection=client, serializer=JSONSerializer).ended_at
        code, out, _ = run(stack_env, tmp_path, "jobs", "retry", broken.id, name="retry")
        assert code == 0 and "queued" in out
        wait_until(
            lambda: (
                (job := Job.fetch(broken.id, connection=client, serializer=JSONSerializer)).is_failed
                and job.ended_at != first_end
            ),
            30,
            "the retried job did not run again",
        )

        more = [queue.enqueue("workers.jobs.tracks.get_track") for _ in range(2)]

        def ended() -> dict[str, object]:
            jobs = [Job.fetch(j.id, connection=client, serializer=JSONSerializer) for j in [*more, broken]]
            return {job.id: job.ended_at for job in jobs if job.is_failed}

        wait_until(lambda: len(ended()) == 3, 30, "the broken jobs did not fail")
        before = ended()
        code, out, err = run(stack_env, tmp_path, "jobs", "retry", "--all", "--json", name="retry-all")
        assert code == 0 and json.loads(out) == {"retried": 3, "queues": {"tidal-read": 3}}
        assert "retrying" not in err, "no progress line when stderr is not a terminal"
        wait_until(
            lambda: len(after := ended()) == 3 and all(after[i] != before[i] for i in before),
            30,
            "the retried jobs did not run again",
        )
        code, _, err = run(stack_env, tmp_path, "jobs", "retry", name="no-id")
        assert code == 2 and "--all" in err

        assert run(stack_env, tmp_path, "pause", name="pause")[0] == 0
        waiting = queue.enqueue("workers.jobs.tracks.get_track", track_id=1)
        code, out, _ = run(stack_env, tmp_path, "jobs", "--state", "queued", "--json", name="queued")
        assert [j["id"] for j in json.loads(out)] == [waiting.id]
        code, out, _ = run(stack_env, tmp_path, "jobs", "cancel", waiting.id, name="cancel")
        assert code == 0 and "canceled" in out
        code, out, _ = run(stack_env, tmp_path, "jobs", "--state", "queued", "--json", name="after")
        assert json.loads(out) == []
        code, _, err = run(stack_env, tmp_path, "jobs", "retry", waiting.id, name="not-failed")
        assert code == 2 and "not failed" in err
        assert run(stack_env, tmp_path, "resume", name="resume")[0] == 0


def test_a_long_command_shows_progress_on_a_terminal_only(stack_env, redis_url, tmp_path):
    import os
    import pty
    import subprocess

    client = connect(redis_url)
    for number in range(5):
        client.set(f"tidal:track:{number}", b'{"env":{"ok":true,"data":{}},"ttl":60,"g":0}', ex=60)
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(
            tidal_mcp("cache", "drop", "track"),
            env=stack_env,
            stdout=subprocess.PIPE,
            stderr=follower,
            stdin=subprocess.DEVNULL,
        )
        os.close(follower)
        out, _ = proc.communicate(timeout=60)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed with the command
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
    assert proc.returncode == 0 and b"deleted 5 cache entries" in out
    assert b"deleting track entries: 5/5" in seen
    assert b"deleting" not in out, "progress goes to the terminal, never into the command's output"
