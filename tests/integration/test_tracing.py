"""OpenTelemetry across the processes: one tool call's trace links the front, the worker and TIDAL.

A real stack (Redis, worker processes, the front, the emulator) exports over OTLP/HTTP to a receiver
this test runs; the MCP SDK client makes the calls. Without the endpoint, no process loads an exporter.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from rq.job import Job
from rq.serializers import JSONSerializer

from shared.redis_conn import connect
from tests.support.processes import wait_until
from tests.support.stack import SharedStack, shared_stack

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


class Receiver:
    """An OTLP/HTTP trace endpoint on a port the OS picks; the spans it was sent."""

    def __init__(self) -> None:
        self.spans: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.take(ExportTraceServiceRequest.FromString(body))
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def take(self, request: ExportTraceServiceRequest) -> None:
        with self.lock:
            for resource_spans in request.resource_spans:
                service = next(
                    (a.value.string_value for a in resource_spans.resource.attributes if a.key == "service.name"), ""
                )
                for scope in resource_spans.scope_spans:
                    for span in scope.spans:
                        self.spans.append(
                            {
                                "service": service,
                                "name": span.name,
                                "trace": span.trace_id.hex(),
                                "id": span.span_id.hex(),
                                "parent": span.parent_span_id.hex(),
                                "attributes": {
                                    a.key: getattr(a.value, a.value.WhichOneof("value")) for a in span.attributes
                                },
                            }
                        )

    def find(self, name: str) -> list[dict[str, Any]]:
        with self.lock:
            return [s for s in self.spans if s["name"] == name]


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, receiver):
    with shared_stack(
        tmp_path_factory.mktemp("tracing"),
        workers=2,
        front=True,
        OTEL_EXPORTER_OTLP_ENDPOINT=receiver.url,
        OTEL_BSP_SCHEDULE_DELAY="100",
        TIDAL_MCP_RATE_START="200",
        TIDAL_MCP_RATE_LIMIT="200",
    ) as stack:
        yield stack


def eventually(condition, timeout: float, message: str):  # type: ignore[no-untyped-def]
    """Poll what the receiver has been sent until ``condition`` holds (with a deadline)."""
    return wait_until(condition, timeout, message, interval=0.1)


def exporter_loaded(pid: int) -> bool:
    """Whether a process has the OTLP exporter's protobuf runtime mapped (nothing else in the stack loads it)."""
    return "/google/_upb/" in Path(f"/proc/{pid}/maps").read_text()


def stack_pids(stack: SharedStack) -> dict[str, int]:
    assert stack.front is not None
    return {"front": stack.front.pid, **{proc.name: proc.pid for proc in stack.pool.procs}}


def job_metas(stack: SharedStack) -> list[dict[str, Any]]:
    """The meta of every RQ job in the stack's Redis (as the front wrote it)."""
    client = connect(stack.redis_url)
    ids = [key.decode().removeprefix("rq:job:") for key in client.scan_iter("rq:job:*") if key.count(b":") == 2]
    return [Job.fetch(job_id, connection=client, serializer=JSONSerializer).meta for job_id in ids]


def linked_trace(receiver: Receiver, op: str) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]] | None:
    """A ``dispatch`` span with a worker ``job`` span as its child and TIDAL ``GET`` spans under that job."""
    for dispatch in receiver.find(f"dispatch {op}"):
        jobs = [s for s in receiver.find(f"job {op}") if s["trace"] == dispatch["trace"]]
        if not jobs:
            continue
        http = [
            s
            for s in receiver.spans
            if s["trace"] == dispatch["trace"] and s["parent"] == jobs[0]["id"] and s["name"].startswith("GET ")
        ]
        if http:
            return dispatch, jobs[0], http
    return None


def job_spans_in(receiver: Receiver, trace: str) -> list[dict[str, Any]]:
    """Worker ``job`` spans of ``trace`` that are children of its ``dispatch`` span and have a TIDAL request."""
    dispatch_ids = {s["id"] for s in receiver.find("dispatch track.get") if s["trace"] == trace}
    return [
        job
        for job in receiver.find("job track.get")
        if job["trace"] == trace
        and job["parent"] in dispatch_ids
        and any(s["parent"] == job["id"] and s["name"] == "GET /v1/tracks/{id}" for s in receiver.spans)
    ]


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/<pid>/maps")


async def test_one_trace_links_the_tool_call_its_job_and_the_tidal_requests(stack, receiver):
    track = stack.control.get("catalog")["track_ids"][42]
    async with Client(stack.mcp_url) as client:
        result = await client.call_tool("tidal_get_track", {"track_id": track})
    assert result.structured_content["id"] == track

    dispatch, job, http = eventually(
        lambda: linked_trace(receiver, "track.get"), 30, f"no linked trace among {receiver.spans!r}"
    )
    assert dispatch["service"] == "tidal-mcp-front" and job["service"] == "tidal-mcp-worker"
    assert dispatch["attributes"]["tidal_mcp.source"] == "tidal"
    assert job["parent"] == dispatch["id"], "the job continues the front's span"
    tool = [s for s in receiver.find("tools/call tidal_get_track") if s["id"] == dispatch["parent"]]
    assert tool and tool[0]["service"] == "tidal-mcp-front", "the dispatch runs inside the SDK's tool-call span"
    assert {s["name"] for s in http} >= {"GET /v1/tracks/{id}"}
    request = next(s for s in http if s["name"] == "GET /v1/tracks/{id}")
    assert request["attributes"]["http.response.status_code"] == 200
    assert request["attributes"]["url.template"] == "/v1/tracks/{id}"
    text = repr(receiver.spans)
    assert str(track) not in text.replace(f"'track_id': {track}", ""), "no id in span names or attributes"
    for secret in ("Bearer", "access_token", "countryCode", "http://"):
        assert secret not in text
    assert any("traceparent" in meta for meta in job_metas(stack)), "the context travelled in the job's meta"
    if sys.platform.startswith("linux"):  # the control for the test without the endpoint below
        assert all(exporter_loaded(pid) for pid in stack_pids(stack).values())


async def test_a_cache_hit_is_traced_in_the_front_only(stack, receiver):
    track = stack.control.get("catalog")["track_ids"][43]
    async with Client(stack.mcp_url) as client:
        await client.call_tool("tidal_get_track", {"track_id": track})
        await client.call_tool("tidal_get_track", {"track_id": track})

    hit = eventually(
        lambda: [s for s in receiver.find("dispatch track.get") if s["attributes"].get("tidal_mcp.source") == "cache"],
        30,
        "no cache-hit span",
    )
    assert not [s for s in receiver.spans if s["trace"] == hit[0]["trace"] and s["service"] != "tidal-mcp-front"]


@linux_only
async def test_without_the_endpoint_no_process_installs_tracing_or_exports(tmp_path, monkeypatch):
    """Unset, the front and the worker never load the SDK's exporter and the job's meta carries no context,
    even when the client sends a ``traceparent`` and other ``OTEL_*`` variables are set."""
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    with shared_stack(
        tmp_path, workers=1, front=True, OTEL_BSP_SCHEDULE_DELAY="100", OTEL_SERVICE_NAME="tidal-mcp-off"
    ) as stack:
        track = stack.control.get("catalog")["track_ids"][44]
        remote = {"traceparent": "00-" + "ab" * 16 + "-" + "cd" * 8 + "-01"}
        async with Client(stack.mcp_url) as client:
            result = await client.call_tool("tidal_get_track", {"track_id": track}, meta=remote)
        assert result.structured_content["id"] == track
        metas = job_metas(stack)
        assert metas and all("request_id" in meta for meta in metas), "the call went through the pool"
        assert not [meta for meta in metas if "traceparent" in meta or "tracestate" in meta]
        loaded = {name: pid for name, pid in stack_pids(stack).items() if exporter_loaded(pid)}
        assert not loaded, f"an exporter is loaded in {loaded}"


async def test_spans_still_batched_are_flushed_when_the_processes_stop(tmp_path):
    """A schedule delay far beyond the test: the spans arrive only because stopping flushes them."""
    receiver = Receiver()
    try:
        with shared_stack(
            tmp_path, workers=1, front=True, OTEL_EXPORTER_OTLP_ENDPOINT=receiver.url, OTEL_BSP_SCHEDULE_DELAY="600000"
        ) as stack:
            track = stack.control.get("catalog")["track_ids"][45]
            async with Client(stack.mcp_url) as client:
                await client.call_tool("tidal_get_track", {"track_id": track})
            assert linked_trace(receiver, "track.get") is None, "nothing is exported before the delay"
        # the stack's processes were stopped (SIGTERM) and have exited
        eventually(
            lambda: linked_trace(receiver, "track.get"),
            10,
            f"stopping did not flush the batched spans: {receiver.spans!r}",
        )
    finally:
        receiver.server.shutdown()


async def test_a_coalesced_job_belongs_to_the_trace_of_the_call_that_enqueued_it(stack, receiver):
    """Two clients ask for the same uncached track at once, each continuing its own trace: one job serves both,
    and its worker and TIDAL spans sit in exactly one of the two traces."""
    track = stack.control.get("catalog")["track_ids"][46]
    stack.control.post("faults", {"latency_ms": 600, "path_regex": f"^/v1/tracks/{track}$"})
    traces = ["a1" * 16, "b2" * 16]
    try:
        async with Client(stack.mcp_url) as first, Client(stack.mcp_url) as second:
            results = await asyncio.gather(
                *(
                    client.call_tool(
                        "tidal_get_track", {"track_id": track}, meta={"traceparent": f"00-{trace}-{'c3' * 8}-01"}
                    )
                    for client, trace in zip((first, second), traces, strict=True)
                )
            )
    finally:
        stack.control.delete("faults")
    assert [r.structured_content["id"] for r in results] == [track, track]
    assert stack.control.get("counters")["paths"][f"GET /v1/tracks/{track}"] == 1, "one TIDAL request for both"

    def both_dispatched() -> list[dict[str, Any]]:
        spans = [s for s in receiver.find("dispatch track.get") if s["trace"] in traces]
        return spans if len(spans) == 2 else []

    eventually(both_dispatched, 30, f"the calls did not continue the clients' traces: {receiver.spans!r}")
    owner = eventually(lambda: [t for t in traces if job_spans_in(receiver, t)], 30, "no linked job span")
    assert len(owner) == 1, "the job's spans are in one caller's trace only"
    joined = next(t for t in traces if t not in owner)
    assert not [s for s in receiver.spans if s["trace"] == joined and s["service"] != "tidal-mcp-front"]
