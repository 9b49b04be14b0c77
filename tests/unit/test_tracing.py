"""Tracing: off and inert without an OTLP endpoint; when on, spans link across the job and hide URLs and ids."""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from shared import tracing
from shared.tidal import TidalAdapter

ROOT = Path(__file__).resolve().parents[2]
ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")


@pytest.fixture(autouse=True)
def no_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*ENDPOINTS, "OTEL_SDK_DISABLED"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def spans(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemorySpanExporter]:
    """Tracing on for this test only: a private provider recording into memory (the global one stays unset)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(tracing, "ENABLED", True)
    monkeypatch.setattr(tracing, "_tracer", provider.get_tracer("test"))
    yield exporter
    provider.shutdown()


def test_without_an_endpoint_no_provider_is_installed_and_helpers_are_inert() -> None:
    assert tracing.setup_tracing("tidal-mcp-test") is False
    assert tracing.ENABLED is False
    assert not isinstance(trace.get_tracer_provider(), TracerProvider)
    assert tracing.carrier() == {}
    with tracing.tool_span("track.get") as current:
        assert current is None
    with tracing.span("GET /v1/tracks/{id}", {"url.template": "/v1/tracks/{id}"}, kind="client") as current:
        assert current is None
    with tracing.job_span({"traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"}, "track.get") as current:
        assert current is None
    tracing.set_attribute(None, "k", "v")
    tracing.http_status(None, 500)


def test_off_the_hooks_hand_out_one_shared_no_op_and_build_nothing() -> None:
    """The hot paths pay a flag read and a call: no span name, attribute dict or generator is made."""
    off = tracing.tool_span("track.get")
    assert off is tracing.span("x") is tracing.job_span({}, "track.get")
    assert type(off).__name__ == "nullcontext"


def test_a_fresh_process_without_an_endpoint_loads_no_tracing_sdk() -> None:
    """The real front and worker modules, set up as at start: no provider, no exporter, no SDK trace module."""
    code = (
        "import json, sys\n"
        "import mcp_front.server, workers.worker, shared.tidal\n"
        "from shared.tracing import setup_tracing\n"
        "from opentelemetry import trace\n"
        "on = [setup_tracing('tidal-mcp-front'), setup_tracing('tidal-mcp-worker')]\n"
        "print(json.dumps({'on': on, 'provider': type(trace.get_tracer_provider()).__name__,\n"
        "                  'loaded': sorted(m for m in sys.modules if m.startswith(('opentelemetry.sdk.trace',\n"
        "                                   'opentelemetry.exporter')))}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ENDPOINTS and not k.startswith("OTEL_")}
    env["OTEL_BSP_SCHEDULE_DELAY"] = "100"  # other OTEL_* variables alone do not turn it on
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    ).stdout
    report = json.loads(out.strip().splitlines()[-1])
    assert report == {"on": [False, False], "provider": "ProxyTracerProvider", "loaded": []}


def test_an_endpoint_in_either_variable_turns_it_on_unless_the_sdk_is_disabled() -> None:
    assert tracing.wanted({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"})
    assert tracing.wanted({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"})
    assert not tracing.wanted({"OTEL_EXPORTER_OTLP_ENDPOINT": ""})
    assert not tracing.wanted({})
    assert not tracing.wanted({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true"})
    assert tracing.wanted({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "false"})


def test_the_job_span_continues_the_tool_span_through_the_meta(spans: InMemorySpanExporter) -> None:
    with tracing.tool_span("track.get") as tool:
        meta = {"request_id": "r1", "coalesce": "c", **tracing.carrier()}
    assert set(meta) == {"request_id", "coalesce", "traceparent"}
    round_tripped = json.loads(json.dumps(meta))  # as RQ's JSON serializer stores it
    with tracing.job_span(round_tripped, "track.get") as job:
        assert trace.get_current_span() is job
    tool_span, job_span = spans.get_finished_spans()
    assert (tool_span.name, job_span.name) == ("dispatch track.get", "job track.get")
    assert job_span.context.trace_id == tool_span.context.trace_id
    assert job_span.parent is not None and job_span.parent.span_id == tool.get_span_context().span_id
    assert job_span.kind is SpanKind.CONSUMER and job_span.attributes["tidal_mcp.op"] == "track.get"


def test_a_job_without_trace_context_starts_its_own_trace(spans: InMemorySpanExporter) -> None:
    with tracing.job_span({"request_id": "r1"}, "track.get"):
        pass
    (job,) = spans.get_finished_spans()
    assert job.parent is None


def test_a_failure_marks_the_span_with_its_type_and_never_its_message(spans: InMemorySpanExporter) -> None:
    with pytest.raises(ValueError), tracing.tool_span("track.get"):
        raise ValueError("http://api.tidal.com/v1/tracks/123?countryCode=US&token=secret")
    (span,) = spans.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR and span.attributes["error.type"] == "ValueError"
    assert "secret" not in repr(span.to_json()) and not span.events


class Answers:
    """A tiny HTTP server answering GET with 404 for paths ending in ``/items``, 200 otherwise."""

    def __init__(self) -> None:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                self.send_response(404 if self.path.split("?")[0].endswith("/items") else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def answers() -> Iterator[Answers]:
    server = Answers()
    yield server
    server.server.shutdown()


def adapter_session() -> requests.Session:
    session = requests.Session()
    session.mount("http://", TidalAdapter(base_url=None, timeout=5, remaining=lambda: 20.0, attempts=1))
    return session


def test_each_tidal_request_is_a_client_span_named_by_its_route_template(
    spans: InMemorySpanExporter, answers: Answers
) -> None:
    session = adapter_session()
    with tracing.job_span({}, "track.get") as job:
        session.get(
            f"{answers.url}/v1/tracks/77646170?countryCode=US&sessionId=s3cr3t",
            headers={"Authorization": "Bearer t0k3n"},
        )
        session.get(f"{answers.url}/v1/playlists/433e343f-404f-4456-bfd9-2127ceeb3fbc/items")
    ok, missing, _job = spans.get_finished_spans()
    assert ok.name == "GET /v1/tracks/{id}" and ok.kind is SpanKind.CLIENT
    assert dict(ok.attributes) == {
        "http.request.method": "GET",
        "url.template": "/v1/tracks/{id}",
        "tidal_mcp.api": "v1",
        "http.response.status_code": 200,
    }
    assert ok.parent is not None and ok.parent.span_id == job.get_span_context().span_id
    assert ok.status.status_code is StatusCode.UNSET
    assert missing.name == "GET /v1/playlists/{id}/items"
    assert missing.attributes["http.response.status_code"] == 404 and missing.attributes["error.type"] == "404"
    assert missing.status.status_code is StatusCode.ERROR
    exported = json.dumps([json.loads(s.to_json()) for s in spans.get_finished_spans()])
    for leak in ("77646170", "433e343f", "countryCode", "s3cr3t", "t0k3n", "Bearer", "127.0.0.1"):
        assert leak not in exported


def test_a_request_that_fails_to_connect_records_the_error_type_not_the_url(spans: InMemorySpanExporter) -> None:
    with socket.socket() as closed:  # bound, never listening: connections are refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        with pytest.raises(requests.ConnectionError):
            adapter_session().get(f"http://127.0.0.1:{port}/v1/tracks/77646170?countryCode=US")
    (failed,) = spans.get_finished_spans()
    assert failed.name == "GET /v1/tracks/{id}" and failed.status.status_code is StatusCode.ERROR
    assert failed.attributes["error.type"] == "ConnectionError" and "http.response.status_code" not in failed.attributes
    assert "77646170" not in failed.to_json() and "countryCode" not in failed.to_json()


def test_setup_installs_once_per_process_and_shutdown_turns_the_hooks_off() -> None:
    """In a fresh process with an endpoint: on, one provider; after shutdown off, and a second setup does not
    install another provider over the stopped one."""
    code = (
        "import json\n"
        "from opentelemetry import trace\n"
        "from shared import tracing\n"
        "first = tracing.setup_tracing('tidal-mcp-worker')\n"
        "provider = trace.get_tracer_provider()\n"
        "with tracing.tool_span('track.get') as span:\n"
        "    meta = tracing.carrier()\n"
        "tracing.shutdown()\n"
        "again = tracing.setup_tracing('tidal-mcp-worker')\n"
        "after = [tracing.ENABLED, again, trace.get_tracer_provider() is provider]\n"
        "print(json.dumps({'first': first, 'provider': type(provider).__name__, 'recording': span is not None,\n"
        "                  'meta': sorted(meta), 'after': after}))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    with socket.socket() as closed:  # an endpoint nothing answers: exports fail fast, quietly
        closed.bind(("127.0.0.1", 0))
        env.update(
            OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{closed.getsockname()[1]}", OTEL_EXPORTER_OTLP_TIMEOUT="1"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
        ).stdout
    assert json.loads(out.strip().splitlines()[-1]) == {
        "first": True,
        "provider": "TracerProvider",
        "recording": True,
        "meta": ["traceparent"],
        "after": [False, False, True],
    }
