"""``tidal-mcp status``: the stack, TIDAL and the login at a glance (text or JSON); never prompts.

It tells "the stack is up" (Redis, workers) apart from "TIDAL answers and accepts the login" (what
the pool last saw, the circuit, the budget), without calling TIDAL itself. It shows where the login
is kept and the dashboard's credentials, but never a token. ``healthy`` (exit code 0) needs all of it.
"""

from __future__ import annotations

from typing import Any

import redis
from rq import Queue, Worker
from rq.registry import FailedJobRegistry, StartedJobRegistry
from rq.serializers import JSONSerializer

from shared.circuit import circuit_state
from shared.keyring_store import keyring_file, uses_file
from shared.ops.dashboard import dashboard_password
from shared.pool import live_worker_names
from shared.queueing import QUEUES
from shared.ratelimit import bucket_key, paused_for
from shared.redis_conn import UNAVAILABLE_ERRORS, connect, redacted
from shared.settings import Settings
from shared.tokens import TokenStore, TokenStoreError
from shared.upstream import read_upstream


def collect(settings: Settings) -> dict[str, Any]:
    """Gather the report (see module docstring)."""
    report: dict[str, Any] = {
        "redis": {"url": redacted(settings.redis_url)},
        "login": {},
        "queues": {},
        "workers": [],
        "tidal": {"base_url": settings.tidal_base_url or "https://api.tidal.com"},
        "dashboard": _dashboard(settings),
    }
    connected = connect(settings.redis_url)
    client: redis.Redis | None = connected
    try:
        info = connected.info("server")
        report["redis"].update(ok=True, version=info.get("redis_version"), persistence=_persistence(connected))
    except UNAVAILABLE_ERRORS + (redis.RedisError,) as exc:
        report["redis"].update(ok=False, error=type(exc).__name__)
        client = None
    report["login"] = _login(settings, client)
    if client is not None:
        _pool(client, report)
    report["problems"] = _problems(report)
    report["healthy"] = not report["problems"]
    return report


def _pool(client: redis.Redis, report: dict[str, Any]) -> None:
    from shared.ops.pool_admin import paused

    report["paused"] = paused(client)
    for name in QUEUES:
        queue = Queue(name, connection=client, serializer=JSONSerializer)
        report["queues"][name] = {
            "queued": queue.count,
            "started": StartedJobRegistry(queue=queue).get_job_count(cleanup=False),
            "failed": FailedJobRegistry(queue=queue).get_job_count(cleanup=False),
        }
    alive = set(live_worker_names(client))
    for worker in Worker.all(connection=client):
        if worker.name in alive:
            report["workers"].append(
                {
                    "name": worker.name,
                    "state": str(worker.get_state()),
                    "pid": worker.pid,
                    "current_job": worker.get_current_job_id(),
                    "successful_jobs": worker.successful_job_count,
                    "failed_jobs": worker.failed_job_count,
                }
            )
    upstream = read_upstream(client)
    rate, openapi_rate = (client.hget(bucket_key(f), "rate") for f in ("v1", "openapi"))
    report["tidal"].update(
        state=upstream["tidal"],
        last_status=upstream["last_status"],
        circuit=circuit_state(client),
        rate_limit_pause_s=paused_for(client),
        rate_limit_rate=round(float(rate), 2) if rate is not None else None,
        openapi_rate_limit_rate=round(float(openapi_rate), 2) if openapi_rate is not None else None,
    )
    report["login"]["pool"] = upstream["login"]


def _problems(report: dict[str, Any]) -> list[str]:
    problems = []
    if not report["redis"].get("ok"):
        return ["Redis does not answer"]
    if not report["workers"]:
        problems.append("no worker process is alive")
    if report.get("paused"):
        problems.append("an operator paused the worker pool (run `tidal-mcp resume`)")
    login = report["login"]
    if not login.get("stored"):
        problems.append("no TIDAL login is stored (run `tidal-mcp login`)")
    elif login.get("pool") == "rejected":
        problems.append("TIDAL rejected the stored login (run `tidal-mcp login` again)")
    tidal = report["tidal"]
    if tidal.get("state") == "failing":
        problems.append(f"TIDAL is failing (last answer {tidal.get('last_status') or 'none'})")
    if tidal.get("circuit", {}).get("state", "closed") != "closed":
        problems.append(f"the circuit breaker is {tidal['circuit']['state'].replace('_', '-')}")
    return problems


def _persistence(client: redis.Redis) -> dict[str, Any]:
    """Whether this Redis keeps the queues across a restart (AOF or RDB snapshots)."""
    info = client.info("persistence")
    aof = bool(info.get("aof_enabled"))
    try:
        save = client.config_get("save").get("save", "")
    except redis.ResponseError:  # CONFIG may be disabled on a managed Redis: judge by INFO alone
        save = "unknown"
    return {"aof": aof, "rdb_save": save, "ok": aof or bool(save)}


def _login(settings: Settings, client: redis.Redis | None) -> dict[str, Any]:
    where = f"encrypted keyring file {keyring_file(settings)}" if uses_file(settings) else "the system keyring"
    try:
        stored = TokenStore.from_settings(settings, client).load()
    except TokenStoreError as exc:
        return {"stored": False, "store": where, "error": str(exc)}
    if stored is None:
        return {"stored": False, "store": where, "hint": "run `tidal-mcp login`"}
    expiry = stored.expiry()
    return {
        "stored": True,
        "store": where,
        "user_id": stored.user_id,
        "access_token_expires": expiry.isoformat() + "Z" if expiry else None,
    }


def _dashboard(settings: Settings) -> dict[str, Any]:
    return {
        "url": f"http://127.0.0.1:{settings.dashboard_port}",
        "user": settings.dashboard_user,
        "password": dashboard_password(settings, create=False) or "(generated when the dashboard first starts)",
        "delete_allowed": settings.dashboard_allow_delete,
    }


def render_text(report: dict[str, Any]) -> str:
    lines = []
    redis_part = report["redis"]
    lines.append(
        f"redis     {'ok' if redis_part.get('ok') else 'DOWN'}  {redis_part['url']}"
        + (f"  (redis {redis_part['version']})" if redis_part.get("version") else "")
    )
    persistence = redis_part.get("persistence")
    if persistence and not persistence["ok"]:
        lines.append(
            "          WARNING: this Redis does not persist (no AOF, no RDB snapshots): queued requests, "
            "the cache and the login state are lost when it restarts (docs/operations.md)"
        )
    login = report["login"]
    if login.get("stored"):
        pool = login.get("pool", "unknown")
        lines.append(
            f"login     ok  user {login.get('user_id')}, in the {login['store']}; access token expires "
            f"{login.get('access_token_expires')} (workers refresh it); TIDAL says: {pool}"
        )
    else:
        lines.append(f"login     NONE  {login.get('error') or login.get('hint')} (store: {login['store']})")
    for name, counts in report["queues"].items():
        lines.append(
            f"queue     {name}: {counts['queued']} queued, {counts['started']} running, {counts['failed']} failed"
        )
    lines.append(f"workers   {len(report['workers'])} alive")
    if report.get("paused"):
        record = report["paused"]
        lines.append(
            f"          PAUSED since {record.get('since')} by {record.get('by')}"
            + (f" ({record['reason']})" if record.get("reason") else "")
            + ": `tidal-mcp resume`"
        )
    for worker in report["workers"]:
        job = f", job {worker['current_job']}" if worker["current_job"] else ""
        lines.append(
            f"          {worker['name']}  {worker['state']}{job}  ok={worker['successful_jobs']} "
            f"failed={worker['failed_jobs']}"
        )
    tidal = report["tidal"]
    lines.append(
        f"tidal     {tidal.get('state', 'unknown')}  {tidal['base_url']}"
        + (f"  (last answer {tidal['last_status']})" if tidal.get("last_status") is not None else "")
    )
    pause = tidal.get("rate_limit_pause_s")
    if tidal.get("rate_limit_rate") is not None:
        lines.append(
            f"          budget {tidal['rate_limit_rate']} requests/s (adapts to TIDAL's 429s)"
            + (f"; paused {pause:.1f} s after a 429" if pause else "")
        )
    if tidal.get("openapi_rate_limit_rate") is not None:
        lines.append(f"          openapi budget {tidal['openapi_rate_limit_rate']} requests/s (as TIDAL states it)")
    circuit = tidal.get("circuit")
    if circuit:
        detail = f", open for {circuit['open_for_s']} s more" if circuit["state"] == "open" else ""
        failures = circuit["consecutive_failures"]
        lines.append(f"          circuit {circuit['state']}{detail} ({failures} recent failures)")
    dashboard = report["dashboard"]
    lines.append(f"dashboard {dashboard['url']}  user {dashboard['user']}  password {dashboard['password']}")
    lines.append("healthy" if report["healthy"] else "PROBLEMS: " + "; ".join(report["problems"]))
    return "\n".join(lines)
