"""``tidal-mcp status``: the login, Redis, queues and workers at a glance (text or JSON).

Never prints a token: the login section says only whether one is stored, for which user, and
when its access token expires.
"""

from __future__ import annotations

from typing import Any

import redis
from rq import Queue, Worker
from rq.registry import FailedJobRegistry, StartedJobRegistry
from rq.serializers import JSONSerializer

from shared.circuit import circuit_state
from shared.pool import live_worker_names
from shared.queueing import QUEUES
from shared.ratelimit import BUCKET_KEY, paused_for
from shared.redis_conn import UNAVAILABLE_ERRORS, connect
from shared.settings import Settings
from shared.tokens import TokenStore, TokenStoreError


def collect(settings: Settings) -> dict[str, Any]:
    """Gather the report; ``healthy`` is true when Redis answers, a worker lives and a login is stored."""
    report: dict[str, Any] = {"redis": {"url": _redact(settings.redis_url)}, "login": {}, "queues": {},
                              "workers": [], "tidal": {"base_url": settings.tidal_base_url or "https://api.tidal.com"}}
    client = connect(settings.redis_url)
    try:
        info = client.info("server")
        report["redis"].update(ok=True, version=info.get("redis_version"), persistence=_persistence(client))
    except UNAVAILABLE_ERRORS + (redis.RedisError,) as exc:
        report["redis"].update(ok=False, error=type(exc).__name__)
        client = None
    report["login"] = _login(settings, client)
    if client is not None:
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
                report["workers"].append({
                    "name": worker.name, "state": str(worker.get_state()), "pid": worker.pid,
                    "current_job": worker.get_current_job_id(), "successful_jobs": worker.successful_job_count,
                    "failed_jobs": worker.failed_job_count,
                })
        report["tidal"]["rate_limit_pause_s"] = paused_for(client)
        rate = client.hget(BUCKET_KEY, "rate")
        report["tidal"]["rate_limit_rate"] = round(float(rate), 2) if rate is not None else None
        report["tidal"]["circuit"] = circuit_state(client)
    report["healthy"] = bool(report["redis"].get("ok") and report["workers"] and report["login"].get("stored"))
    return report


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
    try:
        stored = TokenStore.from_settings(settings, client).load()
    except TokenStoreError as exc:
        return {"stored": False, "error": str(exc)}
    if stored is None:
        return {"stored": False, "hint": "run `tidal-mcp login`"}
    expiry = stored.expiry()
    return {"stored": True, "user_id": stored.user_id,
            "access_token_expires": expiry.isoformat() + "Z" if expiry else None}


def _redact(url: str) -> str:
    """Hide a password in a Redis URL."""
    if "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    return f"{scheme}://***@{rest.split('@', 1)[1]}"


def render_text(report: dict[str, Any]) -> str:
    lines = []
    redis_part = report["redis"]
    lines.append(f"redis   {'ok' if redis_part.get('ok') else 'DOWN'}  {redis_part['url']}"
                 + (f"  (redis {redis_part['version']})" if redis_part.get("version") else ""))
    persistence = redis_part.get("persistence")
    if persistence and not persistence["ok"]:
        lines.append("        WARNING: this Redis does not persist (no AOF, no RDB snapshots): queued requests, "
                     "the cache and the login state are lost when it restarts (docs/operations.md)")
    login = report["login"]
    if login.get("stored"):
        lines.append(f"login   ok  user {login.get('user_id')}, access token expires "
                     f"{login.get('access_token_expires')} (workers refresh it)")
    else:
        lines.append(f"login   NONE  {login.get('error') or login.get('hint')}")
    for name, counts in report["queues"].items():
        lines.append(f"queue   {name}: {counts['queued']} queued, {counts['started']} running, "
                     f"{counts['failed']} failed")
    lines.append(f"workers {len(report['workers'])} alive")
    for worker in report["workers"]:
        job = f", job {worker['current_job']}" if worker["current_job"] else ""
        lines.append(f"        {worker['name']}  {worker['state']}{job}  ok={worker['successful_jobs']} "
                     f"failed={worker['failed_jobs']}")
    tidal = report["tidal"]
    pause = tidal.get("rate_limit_pause_s")
    lines.append(f"tidal   {tidal['base_url']}" + (f"  paused {pause:.1f}s after a 429" if pause else ""))
    if tidal.get("rate_limit_rate") is not None:
        lines.append(f"        budget {tidal['rate_limit_rate']} requests/s (adapts to TIDAL's 429s)")
    circuit = tidal.get("circuit")
    if circuit:
        detail = f", open for {circuit['open_for_s']} s more" if circuit["state"] == "open" else ""
        lines.append(f"        circuit {circuit['state']}{detail} ({circuit['consecutive_failures']} recent failures)")
    return "\n".join(lines)
