"""``python -m tests.fake_tidal --port PORT [...]``: serve the emulator until SIGTERM/SIGINT.

Installed from the package it is ``python -m tidal_mcp_emulator`` (what ``tidal-mcp demo`` runs).

Prints exactly one line to stdout once listening (``fake-tidal listening on http://HOST:PORT``)
so a parent process can read the port; everything else is logged to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from aiohttp import web

from .app import SHUTDOWN_TIMEOUT_S, create_app
from .options import BUDGET_SCOPES, SUBSCRIPTIONS, EmulatorOptions

log = logging.getLogger("fake_tidal")


def parse_args(argv: list[str] | None = None) -> EmulatorOptions:
    """Command line → EmulatorOptions."""
    # ``tests.fake_tidal`` in a checkout, ``tidal_mcp_emulator`` when installed from the package (setup.py)
    parser = argparse.ArgumentParser(prog=f"python -m {__package__}", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--auto-approve", action="store_true", help="device logins approve on the second poll")
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--rate-limit", type=float, default=None, help="requests per second (token bucket)")
    parser.add_argument("--token-lifetime", type=int, default=3600, help="access token lifetime in seconds")
    parser.add_argument("--device-interval", type=float, default=1, help="device-flow poll interval in seconds")
    parser.add_argument("--rotate-refresh-tokens", action="store_true")
    parser.add_argument("--subscription", choices=SUBSCRIPTIONS, default="HIFI_PLUS", help="caps stream quality")
    parser.add_argument("--url-lifetime", type=int, default=3600, help="seconds a signed media URL stays valid")
    parser.add_argument("--budget-rate", type=float, default=None, help="hidden budget: requests/s (never told)")
    parser.add_argument("--budget-burst", type=int, default=10, help="hidden budget: burst")
    parser.add_argument("--budget-scope", choices=BUDGET_SCOPES, default="token", help="one bucket per token or one")
    parser.add_argument("--ratelimit-headers", action="store_true", help="x-ratelimit-* on every response")
    parser.add_argument("--openapi-rate", type=float, default=20.0, help="openapi bucket: tokens/s")
    parser.add_argument("--openapi-burst", type=int, default=200, help="openapi bucket: capacity")
    parser.add_argument("--openapi-cost", type=int, default=1, help="openapi bucket: tokens per request")
    args = parser.parse_args(argv)
    if args.rate_limit is not None and args.rate_limit <= 0:
        parser.error("--rate-limit must be > 0")
    if args.budget_rate is not None and args.budget_rate <= 0:
        parser.error("--budget-rate must be > 0")
    return EmulatorOptions(
        host=args.host,
        port=args.port,
        seed=args.seed,
        auto_approve=args.auto_approve,
        latency_ms=args.latency_ms,
        rate_limit=args.rate_limit,
        token_lifetime=args.token_lifetime,
        device_interval=args.device_interval,
        rotate_refresh_tokens=args.rotate_refresh_tokens,
        subscription=args.subscription,
        url_lifetime=args.url_lifetime,
        budget_rate=args.budget_rate,
        budget_burst=args.budget_burst,
        budget_scope=args.budget_scope,
        ratelimit_headers=args.ratelimit_headers,
        openapi_rate=args.openapi_rate,
        openapi_burst=args.openapi_burst,
        openapi_cost=args.openapi_cost,
    )


async def serve(options: EmulatorOptions) -> None:
    """Run until SIGTERM or SIGINT."""
    runner = web.AppRunner(
        create_app(options), access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_TIMEOUT_S
    )
    await runner.setup()
    site = web.TCPSite(runner, options.host, options.port)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"fake-tidal listening on http://{options.host}:{port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("shutting down")
    await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    asyncio.run(serve(parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
