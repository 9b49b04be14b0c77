"""OpenTelemetry traces across the processes: a tool call in the front, its job in a worker, each TIDAL request.

Off unless ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) is set: then each
process installs the SDK's tracer provider with a batching OTLP/HTTP (protobuf) exporter, configured by
the standard ``OTEL_*`` variables (headers, timeouts, ``OTEL_SERVICE_NAME``, ``OTEL_BSP_*``). When off,
every helper here returns at the first line (a module flag), so the hot paths pay one attribute read.

What a trace holds (and never holds):

* the front: the MCP SDK's own ``tools/call <tool>`` server span (it continues a ``traceparent`` the
  client sends in ``_meta``), and inside it ``dispatch <op>`` with ``tidal_mcp.source`` (cache, tidal,
  stale) - a cache hit ends there;
* the job: the front writes the W3C ``traceparent`` into the RQ job's meta; the worker's ``job <op>``
  span continues it (a call that joins a job already queued by another call is linked to that call's
  trace, not its own: the job runs once);
* each TIDAL HTTP request: ``<METHOD> <route>`` (client span) with the route *template*
  (``/v1/tracks/{id}``), the status code and the API family - never the URL, its query, ids, tokens or
  stream URLs.

Example::

    setup_tracing("tidal-mcp-worker")          # at process start; False when off
    with tool_span("track.get") as current:    # the front's span for one call
        meta = {"request_id": rid, **carrier()}  # travels in the job
    with job_span(meta, "track.get"): ...       # in the worker

Exporter: OTLP over HTTP with protobuf bodies, not gRPC - it rides on ``requests`` (already a
dependency through tidalapi) instead of ``grpcio`` (a large native wheel whose threads do not survive
a fork, which a worker pool does), and any collector, Jaeger or Tempo accepts it on port 4318.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import socket
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any

log = logging.getLogger(__name__)

ENABLED = False
_tracer: Any = None
_OFF: AbstractContextManager[None] = contextlib.nullcontext()  # stateless: shared by every call when off


def wanted(env: Mapping[str, str] | None = None) -> bool:
    """Whether an OTLP endpoint is configured (and the SDK not disabled by ``OTEL_SDK_DISABLED``)."""
    env = os.environ if env is None else env
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    return bool(env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def setup_tracing(service: str) -> bool:
    """Install the tracer provider and OTLP exporter for this process, when an endpoint is set.

    Call it in the process that makes the spans (after any fork: a batch processor's thread does not
    survive one). Once per process: OpenTelemetry's global provider is set once, so after
    :func:`shutdown` it stays off. Returns whether tracing is on.
    """
    global ENABLED, _tracer
    if _tracer is not None or not wanted():
        return ENABLED
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create(
        {
            "service.name": os.environ.get("OTEL_SERVICE_NAME") or service,
            "service.instance.id": f"{socket.gethostname()}:{os.getpid()}",
        }
    )
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    atexit.register(shutdown)  # flush what is still batched (a front also flushes in its lifespan's end)
    _tracer = trace.get_tracer("tidal-mcp")
    ENABLED = True
    log.info("tracing on", extra={"service": service})
    return True


def shutdown() -> None:
    """Flush what is batched and stop the exporter (a worker leaving the pool, a front stopping).

    Waits at most about ``OTEL_EXPORTER_OTLP_TIMEOUT`` (10 s) for an unreachable collector. Idempotent:
    afterwards the helpers are off again.
    """
    global ENABLED
    if ENABLED:
        ENABLED = False
        from opentelemetry import trace

        provider = trace.get_tracer_provider()
        with contextlib.suppress(Exception):
            provider.shutdown()  # type: ignore[attr-defined]


def span(
    name: str, attributes: Mapping[str, Any] | None = None, *, kind: str = "internal", parent: Any = None
) -> AbstractContextManager[Any]:
    """A span named ``name`` around the block (None inside when tracing is off)."""
    if not ENABLED:
        return _OFF
    return _span(name, attributes, kind, parent)


def tool_span(op: str) -> AbstractContextManager[Any]:
    """The front's span for one tool call dispatching ``op`` (``dispatch <op>``); None inside when off.

    When off it returns a shared no-op context manager without building the name or attributes: the
    cache-hit path pays one flag read and a call.
    """
    if not ENABLED:
        return _OFF
    return _span(f"dispatch {op}", {"tidal_mcp.op": op}, "internal", None)


@contextlib.contextmanager
def _span(name: str, attributes: Mapping[str, Any] | None, kind: str, parent: Any) -> Iterator[Any]:
    """The SDK span; an exception marks it failed with its type only (messages can carry URLs and ids)."""
    from opentelemetry.trace import SpanKind, StatusCode

    with _tracer.start_as_current_span(
        name,
        context=parent,
        kind=getattr(SpanKind, kind.upper()),
        attributes=dict(attributes or {}),
        record_exception=False,
        set_status_on_exception=False,
    ) as current:
        try:
            yield current
        except BaseException as exc:
            current.set_status(StatusCode.ERROR, type(exc).__name__)
            current.set_attribute("error.type", type(exc).__qualname__)
            raise


def carrier() -> dict[str, str]:
    """The current trace context as W3C headers (``traceparent``), for a job's meta; empty when off."""
    if not ENABLED:
        return {}
    from opentelemetry.propagate import inject

    headers: dict[str, str] = {}
    inject(headers)
    return headers


def job_span(
    meta: Mapping[str, Any], op: str, attributes: Mapping[str, Any] | None = None
) -> AbstractContextManager[Any]:
    """The worker's span for a job, continuing the trace whose context the front put in its meta."""
    if not ENABLED:
        return _OFF
    from opentelemetry.propagate import extract

    parent = extract({key: str(value) for key, value in meta.items() if key in ("traceparent", "tracestate")})
    return _span(f"job {op}", {"tidal_mcp.op": op, **(attributes or {})}, "consumer", parent)


def set_attribute(current: Any, key: str, value: Any) -> None:
    """Set an attribute on a span from :func:`span` (no-op when tracing is off)."""
    if current is not None:
        current.set_attribute(key, value)


def http_status(current: Any, status: int) -> None:
    """Record a TIDAL response's status on its client span; 4xx/5xx mark it failed (semantic conventions)."""
    if current is None:
        return
    current.set_attribute("http.response.status_code", status)
    if status >= 400:
        from opentelemetry.trace import StatusCode

        current.set_attribute("error.type", str(status))
        current.set_status(StatusCode.ERROR)
