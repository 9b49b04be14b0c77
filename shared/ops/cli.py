"""The ``tidal-mcp`` command: every process of the stack, plus login and status for operators.

    tidal-mcp front [--stdio]        the MCP server (HTTP at TIDAL_MCP_HOST:TIDAL_MCP_PORT/mcp, or stdio)
    tidal-mcp worker [--pool N]      a worker (or an RQ WorkerPool of N that respawns dead workers)
    tidal-mcp login | logout         store / forget the TIDAL login (device-code flow)
    tidal-mcp status [--json]        login, Redis, queues and workers at a glance
    tidal-mcp cache [drop KIND | drop-key KEY] [--json]   the shared cache by kind; drop a kind or a key
    tidal-mcp pause [--reason R] | resume [--json]   stop the pool taking jobs / let it go on
    tidal-mcp jobs [show|retry|cancel JOB_ID] [--queue Q] [--state S] [--json]   the pool's RQ jobs
    tidal-mcp redis                  the bundled redis-server, unless a Redis already answers
    tidal-mcp dashboard              rq-dashboard on 127.0.0.1:TIDAL_MCP_DASHBOARD_PORT
    tidal-mcp run | supervise | demo the whole stack under honcho / supervisord / against the emulator
    tidal-mcp supervise --workers-only   a further host: only workers, on the first host's Redis

Logs are JSON lines on stderr. The front never writes to stdout (it is the stdio transport);
operator commands (login, status, demo) print their report there.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from typing import Any

from shared.datadir import private_umask
from shared.ops.launch import (
    honcho_command,
    stack_environment,
    supervisorctl_command,
    supervisorctl_environment,
    supervisord_command,
)
from shared.queueing import QUEUES
from shared.settings import Settings, SettingsError


def _say(text: str = "") -> None:
    """Operator-facing output of the login/status/demo commands (never used by the front)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _fail(message: str, code: int = 2) -> int:
    sys.stderr.write(f"tidal-mcp: {message}\n")
    return code


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    private_umask()  # everything the stack writes is its owner's only (shared.datadir)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        return _fail(f"configuration error: {exc}")
    from shared.logs import configure_logging

    configure_logging(settings.log_level, process=args.command)
    if args.command in ("front", "worker"):
        from shared.metrics_reaper import reap_at_start

        reap_at_start()
    try:
        return int(args.handler(settings, args) or 0)
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    from shared.version import VERSION

    parser = argparse.ArgumentParser(prog="tidal-mcp", description="MCP server for TIDAL (front, workers, tools)")
    parser.add_argument("--version", action="version", version=f"tidal-mcp {VERSION}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    front = sub.add_parser("front", help="run the MCP server")
    front.add_argument("--stdio", action="store_true", help="serve MCP over stdin/stdout instead of HTTP")
    front.set_defaults(handler=cmd_front)

    worker = sub.add_parser("worker", help="run a worker process")
    worker.add_argument(
        "--pool",
        type=int,
        default=0,
        metavar="N",
        help="run an RQ WorkerPool of N workers that respawns dead ones (default: one worker)",
    )
    worker.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    worker.set_defaults(handler=cmd_worker)

    sub.add_parser("login", help="log in to TIDAL (device code) and store the tokens").set_defaults(handler=cmd_login)
    sub.add_parser("logout", help="forget the stored TIDAL login").set_defaults(handler=cmd_logout)

    status = sub.add_parser("status", help="show Redis, workers, TIDAL, the login and the dashboard login")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.add_argument("--demo", action="store_true", help="the stack `make demo` runs (its own Redis and data)")
    status.set_defaults(handler=cmd_status)

    cache = sub.add_parser("cache", help="the shared cache by kind; drop a kind or one key")
    cache.add_argument("action", nargs="?", choices=["stats", "drop", "drop-key"], default="stats")
    cache.add_argument("target", nargs="?", help="the kind (drop) or the key (drop-key)")
    cache.add_argument("--json", action="store_true", help="machine-readable output")
    cache.set_defaults(handler=cmd_cache)
    jobs = sub.add_parser("jobs", help="the pool's jobs by queue and state; show, retry (failed), cancel (queued)")
    jobs.add_argument("action", nargs="?", choices=["list", "show", "retry", "cancel"], default="list")
    jobs.add_argument("job_id", nargs="?")
    jobs.add_argument("--queue", choices=list(QUEUES))
    jobs.add_argument("--state", choices=["queued", "started", "failed", "finished"])
    jobs.add_argument("--limit", type=int, default=50)
    jobs.add_argument("--all", action="store_true", help="retry: every failed job (of --queue, or of every queue)")
    jobs.add_argument("--json", action="store_true")
    jobs.set_defaults(handler=cmd_jobs)
    pause = sub.add_parser("pause", help="stop the worker pool taking jobs (fronts answer from the cache)")
    pause.add_argument("--reason", help="shown by status and in the fronts' refusals' logs")
    pause.add_argument("--json", action="store_true")
    pause.set_defaults(handler=cmd_pause)
    resume = sub.add_parser("resume", help="let the worker pool take jobs again")
    resume.add_argument("--json", action="store_true")
    resume.set_defaults(handler=cmd_resume)
    ctl = sub.add_parser("supervisorctl", help="supervisorctl for the `tidal-mcp supervise` stack (its socket)")
    ctl.add_argument("ctl_args", nargs=argparse.REMAINDER, help="e.g. status, restart tidal-mcp:worker_00")
    ctl.set_defaults(handler=cmd_supervisorctl)

    sub.add_parser("redis", help="run the bundled Redis unless one answers at REDIS_URL").set_defaults(
        handler=cmd_redis
    )
    sub.add_parser("dashboard", help="run rq-dashboard on 127.0.0.1").set_defaults(handler=cmd_dashboard)

    run = sub.add_parser("run", help="run the whole stack in the foreground under honcho")
    run.add_argument("--workers", type=int, default=None, help="worker processes (default TIDAL_MCP_WORKERS)")
    run.set_defaults(handler=cmd_run)

    supervise = sub.add_parser("supervise", help="run the whole stack under supervisord (production)")
    supervise.add_argument(
        "--workers-only",
        action="store_true",  # more hosts: shared.ops.hosts
        help="only workers, against the first host's Redis (REDIS_URL with its password); docs/multi-host.md",
    )
    supervise.set_defaults(handler=cmd_supervise)

    demo = sub.add_parser(
        "demo",
        help="run the stack against the bundled TIDAL emulator, logged in "
        "(ports: TIDAL_MCP_DEMO_PORT, _DASHBOARD_PORT, _REDIS_PORT, _EMULATOR_PORT)",
    )
    demo.add_argument("--workers", type=int, default=None)
    demo.set_defaults(handler=cmd_demo)
    return parser


# -- processes of the stack -------------------------------------------------------------------------


def cmd_front(settings: Settings, args: argparse.Namespace) -> int:
    from mcp_front.exposure import ExposureError, check_exposure
    from mcp_front.server import serve_http, serve_stdio
    from shared.tracing import setup_tracing

    setup_tracing("tidal-mcp-front")
    if args.stdio:
        asyncio.run(serve_stdio(settings))
        return 0
    try:
        check_exposure(settings)
    except ExposureError as exc:
        return _fail(f"refusing to start: {exc}")
    asyncio.run(serve_http(settings))
    return 0


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    from workers.worker import run_worker

    try:
        run_worker(settings, pool_size=max(0, args.pool), burst=args.burst)
    except ConnectionError as exc:
        return _fail(str(exc), 1)
    return 0


def cmd_redis(settings: Settings, args: argparse.Namespace) -> int:
    from shared.ops import redis_server
    from shared.redis_conn import connect, ping, redacted

    if ping(connect(settings.redis_url)):
        # Keep a process in the Procfile's place: honcho stops the whole stack when one exits.
        sys.stderr.write(f"tidal-mcp redis: using the Redis already answering at {redacted(settings.redis_url)}\n")
        stop_signals = {signal.SIGTERM, signal.SIGINT}
        signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
        signal.sigwait(stop_signals)
        return 0
    try:
        return redis_server.run_bundled(
            settings.redis_url, settings.data_dir, lambda text: sys.stderr.write(f"tidal-mcp redis: {text}\n")
        )
    except ValueError as exc:
        return _fail(str(exc), 1)


def cmd_dashboard(settings: Settings, args: argparse.Namespace) -> int:
    from shared.ops.dashboard import run_dashboard

    return run_dashboard(settings)


# -- operator commands ---------------------------------------------------------------------------


def cmd_login(settings: Settings, args: argparse.Namespace) -> int:
    from shared.ops.login import LoginFailed, device_login
    from shared.redis_conn import connect, ping
    from shared.tokens import TokenStore, TokenStoreError

    redis_client = connect(settings.redis_url)
    store = TokenStore.from_settings(settings, redis_client if ping(redis_client) else None)

    def show(link: Any) -> None:
        url = link.verification_uri_complete
        if not url.startswith("http"):
            local = url.startswith(("127.0.0.1", "localhost", "[::1]"))
            url = f"{'http' if local else 'https'}://{url}"
        _say(f"Open {url} and approve the login (code {link.user_code}).")
        _say(f"Waiting up to {int(link.expires_in)} s ...")

    try:
        login = device_login(settings, show)
        store.save(login)
    except (LoginFailed, TokenStoreError) as exc:
        return _fail(str(exc), 1)
    _say(f"Logged in to TIDAL as user {login.user_id}. The workers use the new login from their next request.")
    return 0


def cmd_logout(settings: Settings, args: argparse.Namespace) -> int:
    from shared.redis_conn import connect, ping
    from shared.tokens import TokenStore, TokenStoreError

    redis_client = connect(settings.redis_url)
    try:
        removed = TokenStore.from_settings(settings, redis_client if ping(redis_client) else None).delete()
    except TokenStoreError as exc:
        return _fail(str(exc), 1)
    _say("Logged out: the stored TIDAL login was removed." if removed else "No TIDAL login was stored.")
    return 0


def cmd_status(settings: Settings, args: argparse.Namespace) -> int:
    from shared.ops.status import collect, render_text

    if args.demo:
        from shared.ops.demo import DemoError, demo_environment

        try:
            settings = Settings.from_env(demo_environment())
        except DemoError as exc:
            return _fail(str(exc))
    report = collect(settings)
    _say(json.dumps(report, indent=2) if args.json else render_text(report))
    return 0 if report["healthy"] else 1


def cmd_cache(settings: Settings, args: argparse.Namespace) -> int:
    from shared.ops import cache_admin
    from shared.ops.progress import Progress
    from shared.redis_conn import UNAVAILABLE_ERRORS, connect, redacted

    client = connect(settings.redis_url)
    try:
        if args.action == "stats":
            progress = Progress("counting cache kinds", total=len(cache_admin.CACHE_KINDS), stream=sys.stderr)
            report = cache_admin.stats(client, progress)
            progress.done()
            _say(json.dumps(report, indent=2) if args.json else cache_admin.render(report))
            return 0
        if not args.target:
            return _fail(f"cache {args.action} needs a {'kind' if args.action == 'drop' else 'key'}")
        if args.action == "drop":
            progress = Progress(f"deleting {args.target} entries", stream=sys.stderr)
            deleted = cache_admin.drop_kind(client, args.target, progress)
            progress.done()
        else:
            deleted = cache_admin.drop_key(client, args.target)
    except cache_admin.CacheAdminError as exc:
        return _fail(str(exc))
    except UNAVAILABLE_ERRORS as exc:
        return _fail(f"Redis does not answer at {redacted(settings.redis_url)} ({type(exc).__name__})", 1)
    _say(json.dumps({"deleted": deleted}) if args.json else f"deleted {deleted} cache entries")
    return 0


def cmd_jobs(settings: Settings, args: argparse.Namespace) -> int:
    from shared.ops import jobs_admin
    from shared.ops.progress import Progress
    from shared.redis_conn import UNAVAILABLE_ERRORS, connect, redacted

    client = connect(settings.redis_url)
    try:
        if args.action == "list":
            found = jobs_admin.list_jobs(client, args.queue, args.state, max(1, args.limit))
            _say(json.dumps(found, indent=2) if args.json else jobs_admin.render(found))
            return 0
        if args.action == "retry" and args.all:
            if args.job_id:
                return _fail("jobs retry takes a job id or --all, not both")
            progress = Progress("retrying failed jobs", stream=sys.stderr)
            retried = jobs_admin.retry_failed(client, args.queue, progress)
            progress.done()
            _say(json.dumps(retried, indent=2) if args.json else f"retried {retried['retried']} failed jobs")
            return 0
        if not args.job_id:
            hint = ", or --all to retry every failed job" if args.action == "retry" else ""
            return _fail(f"jobs {args.action} needs a job id (from `tidal-mcp jobs`){hint}")
        result = {"show": jobs_admin.show, "retry": jobs_admin.retry, "cancel": jobs_admin.cancel}[args.action](
            client, args.job_id
        )
    except jobs_admin.JobsAdminError as exc:
        return _fail(str(exc))
    except UNAVAILABLE_ERRORS as exc:
        return _fail(f"Redis does not answer at {redacted(settings.redis_url)} ({type(exc).__name__})", 1)
    _say(
        json.dumps(result, indent=2)
        if args.json or args.action == "show"
        else f"job {result['id']} is {result['state']} ({result['queue']})"
    )
    return 0


def cmd_pause(settings: Settings, args: argparse.Namespace) -> int:
    from shared.ops.pool_admin import pause
    from shared.redis_conn import UNAVAILABLE_ERRORS, connect, redacted

    try:
        record = pause(connect(settings.redis_url), args.reason)
    except UNAVAILABLE_ERRORS as exc:
        return _fail(f"Redis does not answer at {redacted(settings.redis_url)} ({type(exc).__name__})", 1)
    _say(
        json.dumps({"paused": record})
        if args.json
        else f"pool paused since {record['since']} by {record['by']}; `tidal-mcp resume` lets it go on"
    )
    return 0


def cmd_resume(settings: Settings, args: argparse.Namespace) -> int:
    from shared.ops.pool_admin import resume
    from shared.redis_conn import UNAVAILABLE_ERRORS, connect, redacted

    try:
        was = resume(connect(settings.redis_url))
    except UNAVAILABLE_ERRORS as exc:
        return _fail(f"Redis does not answer at {redacted(settings.redis_url)} ({type(exc).__name__})", 1)
    _say(json.dumps({"resumed": was}) if args.json else ("pool resumed" if was else "the pool was not paused"))
    return 0


# -- whole-stack launchers -----------------------------------------------------------------------


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    env = stack_environment(settings, args.workers)
    command = honcho_command(env)
    os.execve(command[0], command, env)


def cmd_supervise(settings: Settings, args: argparse.Namespace) -> int:
    if args.workers_only:  # a further host (docs/multi-host.md)
        from shared.ops.hosts import supervise_workers_only

        return supervise_workers_only(settings)
    command = supervisord_command()
    os.execve(command[0], command, stack_environment(settings))


def cmd_supervisorctl(settings: Settings, args: argparse.Namespace) -> int:
    command = supervisorctl_command(args.ctl_args or ["status"])
    os.execve(command[0], command, supervisorctl_environment(settings))


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from shared.ops.demo import DemoError, run_demo
    from shared.ops.login import LoginFailed

    try:
        return run_demo(workers=args.workers, say=_say)
    except (DemoError, LoginFailed) as exc:
        return _fail(f"demo: {exc}", 1)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
