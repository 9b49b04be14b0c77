"""``conformance server --suite all --spec-version V --expected-failures ...`` against the front.

The suite compares its results with the baseline itself and exits non-zero on a failure the
baseline does not list, and on a baseline entry that now passes ("stale"); a WARNING counts as a
failure there. This module runs it, keeps its output, and reads the counts back for the summary.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tests.conformance.commands import run_command
from tests.conformance.node_tools import NodeTools

SPEC_VERSIONS = ("2025-11-25", "2026-07-28")
HERE = Path(__file__).resolve().parent
TIMEOUT = 600
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_TOTAL = re.compile(r"^Total: (\d+) passed, (\d+) failed", re.MULTILINE)
_SECTIONS = {"Expected failures": "expected", "Stale baseline entries": "stale", "Unexpected failures": "unexpected"}


def expected_failures_file(spec_version: str) -> Path:
    """The baseline of scenarios (or ``scenario:check``) that may fail at ``spec_version``."""
    return HERE / f"expected-failures-{spec_version}.yml"


@dataclass
class SuiteReport:
    """One suite run: check counts, baseline entries by outcome, exit code, duration."""

    spec_version: str
    returncode: int = 0
    passed: int = 0
    failed: int = 0
    entries: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in _SECTIONS.values()})
    seconds: float = 0.0
    output: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def summary(self) -> str:
        verdict = "ok" if self.ok else "FAILED"
        return (
            f"conformance {self.spec_version}: {self.passed} checks passed, {self.failed} failed; "
            f"{len(self.entries['expected'])} expected failures, {len(self.entries['unexpected'])} unexpected, "
            f"{len(self.entries['stale'])} stale - {verdict} ({self.seconds:.1f} s)"
        )

    def details(self) -> str:
        """What to fix, for a failed run: the unexpected and stale entries, else the suite's own output."""
        lines = [f"  unexpected failure: {e}" for e in self.entries["unexpected"]]
        lines += [
            f"  now passes, remove it from {expected_failures_file(self.spec_version).name}: {e}"
            for e in self.entries["stale"]
        ]
        return "\n".join(lines) if lines else self.output[-4000:]


def run_suite(
    tools: NodeTools, url: str, spec_version: str, env: dict[str, str], work_dir: Path, scenario: str | None = None
) -> SuiteReport:
    """Run every scenario of ``spec_version`` (or one ``scenario``) against ``url``; results go to ``work_dir``."""
    results = work_dir / f"results-{spec_version}"
    shutil.rmtree(results, ignore_errors=True)
    command = [
        str(tools.node),
        str(tools.conformance),
        "server",
        "--url",
        url,
        "--spec-version",
        spec_version,
        "--expected-failures",
        str(expected_failures_file(spec_version)),
        "-o",
        str(results),
    ]
    command += ["--scenario", scenario] if scenario else ["--suite", "all"]
    outcome = run_command(command, env, work_dir, TIMEOUT)
    output = _ANSI.sub("", outcome.stdout + outcome.stderr)
    (work_dir / f"conformance-{spec_version}.log").write_text(output)
    report = read_suite_output(spec_version, outcome.returncode, output)
    report.seconds = outcome.seconds
    return report


def read_suite_output(spec_version: str, returncode: int, output: str) -> SuiteReport:
    """A :class:`SuiteReport` from the suite's exit code and (colourless) output."""
    report = SuiteReport(spec_version, returncode=returncode, output=output)
    total = _TOTAL.search(output)
    if total:
        report.passed, report.failed = int(total.group(1)), int(total.group(2))
    section = None
    for line in output.splitlines():
        heading = next((key for title, key in _SECTIONS.items() if line.startswith(title)), None)
        if heading:
            section = heading
        elif section and line.startswith("  ") and len(line.strip()) > 2:
            report.entries[section].append(line.strip()[2:])
        elif line.strip():
            section = None
    return report
