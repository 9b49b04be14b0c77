"""The Grafana dashboard and the Prometheus alerts against the stack they watch.

* every panel and alert expression parses as PromQL and names only metrics a running stack exports
  (read from a live front's ``/metrics`` after a workload through the real MCP client);
* every alert carries a runbook link to a section of docs/operations.md that exists;
* where a ``prometheus`` binary is installed (``make ops-check`` installs Debian's package), a real
  Prometheus scrapes the stack and every panel query evaluates to data, every alert expression
  evaluates without error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import promql_parser
import pytest
import requests
import yaml
from mcp import Client
from prometheus_client.parser import text_string_to_metric_families

from shared import metrics
from tests.support.processes import Proc, free_port, wait_until
from tests.support.stack import shared_stack

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "ops" / "grafana" / "tidal-mcp.json"
ALERTS = ROOT / "ops" / "prometheus" / "alerts.yml"
ALERT_TESTS = ROOT / "ops" / "prometheus" / "alerts-test.yml"
RUNBOOK = ROOT / "docs" / "operations.md"
ROWS = ["Clients", "Queues and workers", "TIDAL", "Cache", "Login"]
PROMETHEUS_OWN = {"up"}  # series Prometheus makes itself
#: Every stage a call passes (issue 12, item 1) and the series that show it.
STAGES = {
    "front: calls": ["tidal_mcp_tool_calls_total"],
    "front: latency by tool and source": ["tidal_mcp_tool_seconds_bucket"],
    "front: in-flight waits": ["tidal_mcp_inflight_waits"],
    "front: admission refusals": ["tidal_mcp_admission_refusals_total"],
    "queues: depth": ["tidal_mcp_queue_jobs"],
    "queues: age of the oldest job": ["tidal_mcp_queue_oldest_job_age_seconds"],
    "queues: wait": ["tidal_mcp_queue_wait_seconds_bucket"],
    "workers: alive, busy/idle": ["tidal_mcp_workers", "tidal_mcp_worker_states"],
    "workers: jobs by outcome, latency": ["tidal_mcp_jobs_total", "tidal_mcp_job_seconds_bucket"],
    "TIDAL: requests by route and status, latency": [
        "tidal_mcp_tidal_requests_total",
        "tidal_mcp_tidal_request_seconds_bucket",
    ],
    "TIDAL: 429 pauses, budget": [
        "tidal_mcp_rate_limit_pauses_total",
        "tidal_mcp_rate_limit_pause_seconds",
        "tidal_mcp_rate_limit_rate",
    ],
    "TIDAL: circuit, reachability": [
        "tidal_mcp_circuit_state",
        "tidal_mcp_circuit_opens_total",
        "tidal_mcp_circuit_consecutive_failures",
        "tidal_mcp_tidal_state",
    ],
    "cache: hits/misses/stale by kind": ["tidal_mcp_cache_lookups_total"],
    "cache: memory": [
        "tidal_mcp_redis_used_memory_bytes",
        "tidal_mcp_redis_maxmemory_bytes",
        "tidal_mcp_redis_evicted_keys_total",
        "tidal_mcp_redis_keys",
    ],
    "login: refreshes and failures, state": ["tidal_mcp_login_refreshes_total", "tidal_mcp_login_state"],
    "operator pause, Redis": ["tidal_mcp_pool_paused", "tidal_mcp_redis_up"],
}
#: A label value that would make a label set unbounded: an id, a URL, a query, a user's input.
UNBOUNDED = re.compile(r"\d{5,}|[0-9a-f]{8}-[0-9a-f]{4}|https?:|[?&=@\s]|^.{81,}$")


def panel_queries() -> dict[str, str]:
    """``{"panel title [refId]": expr}`` of every query of every panel (a panel may have several)."""
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return {f"{p['title']} [{t['refId']}]": t["expr"] for p in panels if p["type"] != "row" for t in p["targets"]}


def alert_rules() -> list[dict[str, Any]]:
    return [rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]]


def concrete(expr: str, window: str = "5m") -> str:
    """A panel query as Grafana sends it (its range variable filled in)."""
    return expr.replace("$__rate_interval", window)


def metric_names(expr: str) -> set[str]:
    """Every metric a PromQL expression selects (parsing it: a syntax error fails here)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, promql_parser.VectorSelector):
            found.add(node.name)
            return
        for attribute in ("lhs", "rhs", "expr", "vector_selector", "param"):
            child = getattr(node, attribute, None)
            if child is not None and not isinstance(child, (str, int, float)):
                walk(child)
        for child in getattr(node, "args", None) or []:
            walk(child)

    walk(promql_parser.parse(concrete(expr)))
    return found


def anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors of a Markdown document."""
    return {
        re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in markdown.splitlines()
        if line.startswith("#")
    }


def test_the_dashboard_has_its_rows_and_every_query_parses():
    panels = json.loads(DASHBOARD.read_text())["panels"]
    assert [p["title"] for p in panels if p["type"] == "row"] == ROWS
    for title, expr in panel_queries().items():
        assert metric_names(expr), f"{title}: selects no metric"
    assert metric_names('sum(rate(a_total{x="1"}[5m])) / clamp_min(sum(rate(b_total[5m])), 1)') == {
        "a_total",
        "b_total",
    }
    with pytest.raises(ValueError):
        promql_parser.parse("sum(rate(a_total[5m])")


def test_every_alert_parses_and_links_an_existing_runbook_section():
    sections = anchors(RUNBOOK.read_text())
    rules = alert_rules()
    assert len(rules) >= 8
    for rule in rules:
        assert metric_names(rule["expr"]), rule["alert"]
        url = rule["annotations"]["runbook_url"]
        assert url.startswith("docs/operations.md#") and url.split("#", 1)[1] in sections, (rule["alert"], url)


PLACEHOLDERS = {
    "ID": "job-1",
    "KIND": "track",
    "KEY": "tidal:track:1",
    "Q": "tidal-read",
    "R": "maintenance",
    "N": "2",
    "ARGS": "status",
    "<id>": "1",
}


def test_every_command_the_runbook_names_exists():
    """Each `tidal-mcp ...` in docs/operations.md parses with the CLI's own parser (synopses without their
    optional parts, placeholders filled in)."""
    from shared.ops.cli import _parser

    commands = {" ".join(c.split()) for c in re.findall(r"`(tidal-mcp [^`]*)`", RUNBOOK.read_text())}
    assert len(commands) > 20
    for command in sorted(commands):
        concrete_command = re.sub(r"\[[^\]]*\]", "", command)
        argv = [PLACEHOLDERS.get(word, word.replace("<id>", "1")) for word in shlex.split(concrete_command)[1:]]
        try:
            _parser().parse_args(argv)
        except (SystemExit, argparse.ArgumentError):
            pytest.fail(f"docs/operations.md names a command the CLI does not take: {command}")


def test_every_alert_has_a_promtool_test_that_fires_it():
    fired = {
        case["alertname"]
        for group in yaml.safe_load(ALERT_TESTS.read_text())["tests"]
        for case in group.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    assert {rule["alert"] for rule in alert_rules()} <= fired, "alerts no promtool test fires"


def test_every_stage_a_call_passes_is_on_the_dashboard():
    used = {name for expr in panel_queries().values() for name in metric_names(expr)}
    for stage, names in STAGES.items():
        assert set(names) & used, f"{stage}: no panel shows {names}"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    # every process writes its samples where the front's /metrics reads them, as the launchers arrange
    samples = tmp_path_factory.mktemp("prometheus-multiproc")
    with shared_stack(
        tmp_path_factory.mktemp("ops"),
        workers=2,
        front=True,
        TIDAL_MCP_RATE_START="200",
        TIDAL_MCP_RATE_LIMIT="200",
        TIDAL_MCP_RATE_BURST="50",
        PROMETHEUS_MULTIPROC_DIR=str(samples),
    ) as stack:
        yield stack


@pytest.fixture(scope="module")
def worked(stack):
    """The stack after a workload through the real MCP client: misses and hits, a batch, an unknown id."""
    tracks = stack.control.get("catalog")["track_ids"][:5]

    async def workload() -> None:
        async with Client(stack.mcp_url) as client:
            for track in tracks * 2:
                await client.call_tool("tidal_get_track", {"track_id": track})
            await client.call_tool("tidal_get_tracks", {"track_ids": tracks})
            await client.call_tool("tidal_get_track", {"track_id": 999_999_999_999})  # an error result

    asyncio.run(workload())
    return stack


def scrape(stack) -> list[Any]:
    body = requests.get(stack.mcp_url.removesuffix("/mcp") + "/metrics", timeout=10).text
    return [sample for family in text_string_to_metric_families(body) for sample in family.samples]


def exported(stack) -> set[str]:
    return {sample.name for sample in scrape(stack)}


def test_the_stack_exports_every_stage_with_bounded_labels(worked):
    samples = scrape(worked)
    names = {sample.name for sample in samples}
    for stage, wanted in STAGES.items():
        assert set(wanted) <= names, f"{stage}: not exported: {sorted(set(wanted) - names)}"
    loose = {
        (s.name, key, value)
        for s in samples
        for key, value in s.labels.items()
        if key != "le" and UNBOUNDED.search(value)
    }
    assert not loose, f"label values that are not bounded: {sorted(loose)[:10]}"
    routes = {s.labels["route"] for s in samples if "route" in s.labels}
    assert routes and all(metrics.route_template(r) == r for r in routes), routes
    assert len(samples) < 5000, f"{len(samples)} samples after a small workload"


def test_every_metric_the_dashboard_and_alerts_use_is_exported_by_the_stack(worked):
    names = exported(worked)
    used = {name for expr in panel_queries().values() for name in metric_names(expr)}
    used |= {name for rule in alert_rules() for name in metric_names(rule["expr"])}
    missing = used - names - PROMETHEUS_OWN
    assert not missing, f"used but not exported: {sorted(missing)}"
    assert "tidal_mcp_redis_up" in names and "tidal_mcp_login_refreshes_total" in names


def test_every_exported_metric_is_documented(worked):
    documented = RUNBOOK.read_text()
    families = {
        re.sub(r"_(bucket|sum|count|created)$", "", name) for name in exported(worked) if name.startswith("tidal_mcp_")
    }
    missing = sorted(name for name in families if f"`{name}" not in documented)
    assert not missing, f"exported but not in docs/operations.md: {missing}"


@pytest.mark.skipif(
    shutil.which("prometheus") is None and not os.environ.get("TIDAL_MCP_REQUIRE_PROMETHEUS"),
    reason="no prometheus binary (`make ops-check` installs it and requires this test)",
)
def test_a_real_prometheus_evaluates_every_panel_to_data(worked, tmp_path):
    assert shutil.which("prometheus"), "`make ops-check` needs the prometheus binary"
    target = worked.mcp_url.removesuffix("/mcp").removeprefix("http://")
    config = tmp_path / "prometheus.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "rule_files": [str(ALERTS)],
                "scrape_configs": [{"job_name": "tidal-mcp", "static_configs": [{"targets": [target]}]}],
            }
        )
    )
    prometheus, url = start_prometheus(config, tmp_path)
    try:

        def query(expr: str) -> list[Any]:
            answer = requests.get(f"{url}/api/v1/query", params={"query": expr}, timeout=10).json()
            assert answer["status"] == "success", (expr, answer)
            return answer["data"]["result"]

        wait_until(
            lambda: (
                len(query("tidal_mcp_redis_up[1m]")[0]["values"]) >= 4 if query("tidal_mcp_redis_up[1m]") else False
            ),
            60,
            "Prometheus did not scrape the front",
        )
        empty = [title for title, expr in panel_queries().items() if not query(concrete(expr, "1m"))]
        assert len(panel_queries()) > 30
        assert not empty, f"panels without data: {empty}"
        for rule in alert_rules():
            query(rule["expr"])  # evaluates (an alert that does not fire has no data, rightly)
        rules = requests.get(f"{url}/api/v1/rules", timeout=10).json()["data"]["groups"][0]["rules"]
        assert {r["name"] for r in rules} == {r["alert"] for r in alert_rules()}
        assert all(r["health"] == "ok" for r in rules), [(r["name"], r.get("lastError")) for r in rules]
    finally:
        prometheus.stop()


def start_prometheus(config: Path, tmp_path: Path) -> tuple[Proc, str]:
    """Prometheus on a free port (another bind of the same port is retried on a new one)."""
    for attempt in range(5):
        port = free_port()
        proc = Proc(
            f"prometheus-{attempt}",
            [
                shutil.which("prometheus") or "prometheus",
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp_path / f'data-{attempt}'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            {},
            tmp_path / "logs",
        )
        url = f"http://127.0.0.1:{port}"

        def ready_or_exited(proc: Proc = proc, url: str = url) -> bool:
            return proc.popen.poll() is not None or requests.get(f"{url}/-/ready", timeout=1).ok

        wait_until(ready_or_exited, 30, lambda p=proc: f"prometheus did not get ready:\n{p.logs()}", interval=0.1)
        if proc.popen.poll() is None:
            return proc, url
        logs = proc.logs()
        proc.stop()
        if "address already in use" not in logs:
            raise AssertionError(f"prometheus did not start:\n{logs}")
    raise AssertionError("prometheus found no free port")
