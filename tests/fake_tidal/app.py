"""Assemble the aiohttp application and run it in a background thread (FakeTidal)."""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType

from aiohttp import web

from . import (
    auth,
    control,
    routes_browse,
    routes_catalog,
    routes_cdn,
    routes_favorites,
    routes_folders,
    routes_manifests,
    routes_media,
    routes_openapi,
    routes_pages,
    routes_playlists,
    routes_streams,
    routes_v2,
)
from .common import FAULTS_KEY, STATE_KEY
from .errors import json_errors
from .faults import FaultInjector, defaults_from
from .options import EmulatorOptions
from .state import State
from .traffic import traffic

#: Seconds a stop waits for in-flight (e.g. stalled) requests before cancelling them.
SHUTDOWN_TIMEOUT_S = 1.0

ROUTE_TABLES = (
    auth.routes,
    control.routes,
    routes_catalog.routes,
    routes_browse.routes,
    routes_pages.routes,
    routes_cdn.routes,
    routes_streams.routes,
    routes_media.routes,
    routes_manifests.routes,
    routes_playlists.routes,
    routes_favorites.routes,
    routes_folders.routes,
    routes_openapi.routes,
    routes_v2.routes,
)


def create_app(options: EmulatorOptions | None = None, state: State | None = None) -> web.Application:
    """The emulator as an aiohttp Application (middlewares: JSON errors → traffic → bearer)."""
    options = options or EmulatorOptions()
    app = web.Application(middlewares=[json_errors, traffic, auth.require_bearer])
    app[STATE_KEY] = state or State(options)
    app[FAULTS_KEY] = FaultInjector(defaults_from(options), options.seed)
    for table in ROUTE_TABLES:
        app.add_routes(table)
    return app


class FakeTidal:
    """The emulator in a background thread with its own event loop.

    ``with FakeTidal(EmulatorOptions(auto_approve=True)) as emu: ... emu.url ...``
    """

    def __init__(self, options: EmulatorOptions | None = None) -> None:
        self.options = options or EmulatorOptions()
        self.state = State(self.options)
        self.port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://HOST:PORT`` once started."""
        if self.port is None:
            raise RuntimeError("FakeTidal is not running")
        return f"http://{self.options.host}:{self.port}"

    def start(self) -> FakeTidal:
        """Start serving; returns once the port is bound."""
        if self._thread is not None:
            raise RuntimeError("FakeTidal already started")
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._serve())
            except BaseException as exc:  # noqa: BLE001 - reported to start()'s caller
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-tidal", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            self._thread = None
            raise failure[0]
        return self

    async def _serve(self) -> None:
        self._runner = web.AppRunner(
            create_app(self.options, self.state),
            access_log=None,
            handle_signals=False,
            shutdown_timeout=SHUTDOWN_TIMEOUT_S,
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.options.host, self.options.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        """Stop serving and join the thread (idempotent)."""
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._thread = None
        self._loop = None
        self.port = None

    def issue_tokens(self) -> dict:
        """Tokens for the seeded user, as if a device login had completed."""
        return self.state.issue_tokens()

    def __enter__(self) -> FakeTidal:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
