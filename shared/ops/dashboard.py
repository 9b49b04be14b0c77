"""``tidal-mcp dashboard``: rq-dashboard, behind a login, on loopback, refusing cross-site requests.

rq-dashboard as shipped has no login by default, no Host check and no CSRF protection: any web page
the operator visits could POST to delete jobs, a GET requeues every failed job, and a forged Host
header reads job results. Its command line also carries the Redis URL. This runs rq-dashboard's
Flask app in-process (the Redis URL never reaches argv) behind :class:`Guard`, a WSGI layer that:

* requires HTTP Basic credentials (compared in constant time): ``TIDAL_MCP_DASHBOARD_USER`` /
  ``TIDAL_MCP_DASHBOARD_PASSWORD``, or a password generated on first start into
  ``<data dir>/secrets/dashboard.password`` (0600), which ``tidal-mcp status`` prints;
* accepts only the loopback Host names of its own port (DNS rebinding);
* refuses every request that changes something unless it is a POST whose Origin (or Referer) is the
  dashboard itself - so no other site can drive it, and no GET link can requeue jobs;
* runs with job deletion disabled unless ``TIDAL_MCP_DASHBOARD_ALLOW_DELETE=1``.

Example::

    run_dashboard(settings)     # serves http://127.0.0.1:9181 until SIGTERM
"""

from __future__ import annotations

import base64
import hmac
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from shared.datadir import DASHBOARD_PASSWORD, secret
from shared.settings import Settings

log = logging.getLogger(__name__)

# rq-dashboard routes that change state (the rest only read).
_MUTATING_PREFIXES = ("/job/", "/requeue/", "/queue/")
_READ_SUFFIXES = (".json",)

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def dashboard_password(settings: Settings, *, create: bool) -> str | None:
    """The operator's password, or the generated one (created on first start)."""
    return settings.dashboard_password or secret(settings.data_dir, DASHBOARD_PASSWORD, create=create)


class Guard:
    """The WSGI layer in front of rq-dashboard (see module docstring)."""

    def __init__(self, app: WSGIApp, *, user: str, password: str, port: int) -> None:
        self.app = app
        self._expected = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}
        self.origins = {f"http://{host}" for host in self.hosts}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST", "")
        if host not in self.hosts:
            return _refuse(start_response, "421 Misdirected Request", "Invalid Host header.")
        if not self._authorized(environ.get("HTTP_AUTHORIZATION", "")):
            return _refuse(
                start_response,
                "401 Unauthorized",
                "Log in with the dashboard's credentials (`tidal-mcp status` shows them).",
                [("WWW-Authenticate", 'Basic realm="tidal-mcp"')],
            )
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        if _mutating(path, method):
            if method != "POST":
                return _refuse(start_response, "405 Method Not Allowed", "Changes need a POST from the dashboard.")
            if not self._same_origin(environ):
                log.warning("refused a cross-site request to the dashboard", extra={"path": path})
                return _refuse(start_response, "403 Forbidden", "Cross-site request refused.")
        return self.app(environ, start_response)

    def _authorized(self, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        return scheme.lower() == "basic" and hmac.compare_digest(value.strip().encode(), self._expected.encode())

    def _same_origin(self, environ: dict[str, Any]) -> bool:
        origin = environ.get("HTTP_ORIGIN")
        if origin:
            return origin in self.origins
        referer = environ.get("HTTP_REFERER")
        if referer:
            parts = urlsplit(referer)
            return f"{parts.scheme}://{parts.netloc}" in self.origins
        return False  # a state change with neither header is not from the dashboard's own page


def _mutating(path: str, method: str) -> bool:
    if method not in ("GET", "HEAD", "OPTIONS"):
        return True
    return path.startswith(_MUTATING_PREFIXES) and not path.endswith(_READ_SUFFIXES)


def _refuse(
    start_response: StartResponse, status: str, text: str, headers: list[tuple[str, str]] | None = None
) -> list[bytes]:
    body = text.encode()
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))), *(headers or [])]
    )
    return [body]


def build_app(settings: Settings, password: str) -> Guard:
    """rq-dashboard's Flask app, configured from settings, behind the guard."""
    from rq.serializers import JSONSerializer
    from rq_dashboard.cli import make_flask_app
    from rq_dashboard.web import config as rq_dashboard_config
    from rq_dashboard.web import setup_rq_connection

    app = make_flask_app(None, None, None, "")
    app.config["RQ_DASHBOARD_REDIS_URL"] = settings.redis_url
    app.config["RQ_DASHBOARD_DISABLE_DELETE"] = not settings.dashboard_allow_delete
    rq_dashboard_config.serializer = JSONSerializer
    setup_rq_connection(app)
    return Guard(app.wsgi_app, user=settings.dashboard_user, password=password, port=settings.dashboard_port)


def run_dashboard(settings: Settings) -> int:
    """Serve the guarded dashboard on 127.0.0.1 until stopped."""
    from werkzeug.serving import run_simple

    password = dashboard_password(settings, create=True)
    assert password is not None
    log.info(
        "rq-dashboard on loopback",
        extra={
            "url": f"http://127.0.0.1:{settings.dashboard_port}",
            "user": settings.dashboard_user,
            "delete_allowed": settings.dashboard_allow_delete,
        },
    )
    run_simple("127.0.0.1", settings.dashboard_port, build_app(settings, password), threaded=True)
    return 0
