"""Tracing is off without an OTLP endpoint: nothing installed, nothing exported, nothing to pay."""

from __future__ import annotations

import pytest
from opentelemetry import trace

from shared import tracing


@pytest.fixture(autouse=True)
def no_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)


def test_without_an_endpoint_no_provider_is_installed_and_helpers_are_inert() -> None:
    assert tracing.setup_tracing("tidal-mcp-test") is False
    assert tracing.ENABLED is False
    from opentelemetry.sdk.trace import TracerProvider

    assert not isinstance(trace.get_tracer_provider(), TracerProvider)
    assert tracing.carrier() == {}
    with tracing.span("dispatch track.get", {"tidal_mcp.op": "track.get"}) as current:
        assert current is None
    with tracing.job_span({"traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"}, "track.get") as current:
        assert current is None
    tracing.set_attribute(None, "k", "v")


def test_an_endpoint_in_either_variable_turns_it_on() -> None:
    assert tracing.wanted({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"})
    assert tracing.wanted({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"})
    assert not tracing.wanted({"OTEL_EXPORTER_OTLP_ENDPOINT": ""})
