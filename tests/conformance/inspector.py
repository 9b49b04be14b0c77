"""``inspector --cli URL --method tools/list --strict``: the tool list must be portable, with no finding at all.

``--strict`` lints every tool's input and output schema for portability (bare boolean schemas,
``type`` arrays, remote ``$ref``, schemas that constrain nothing, ...). Errors make it exit non-zero;
warnings only print ``Warning: tool "NAME"`` blocks on stderr, so this check reads the structured
findings (``--format json`` adds ``schemaFindings``) and fails on any, warnings included. Anything
else on stderr counts as a warning too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conformance.commands import run_command
from tests.conformance.node_tools import NodeTools

TIMEOUT = 180


@dataclass
class StrictReport:
    """The outcome of one strict ``tools/list``: tool count, findings (one line each), anything else wrong."""

    tools: int = 0
    findings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.findings and not self.problems

    def summary(self) -> str:
        verdict = "ok" if self.ok else "FAILED"
        return (
            f"inspector tools/list --strict: {self.tools} tools, {len(self.findings)} schema findings, "
            f"{len(self.problems)} other problems - {verdict} ({self.seconds:.1f} s)"
        )


def inspector_env(base: dict[str, str], state_dir: Path) -> dict[str, str]:
    """``base`` with every place the Inspector keeps state moved into ``state_dir`` (never $HOME)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    return {
        **base,
        "MCP_CATALOG_PATH": str(state_dir / "catalog.json"),
        "MCP_CLIENT_CONFIG_PATH": str(state_dir / "client.json"),
        "MCP_STORAGE_DIR": str(state_dir),
        "MCP_INSPECTOR_SECRET_STORE": "memory",
        "NO_COLOR": "1",
    }


def strict_tools_list(tools: NodeTools, url: str, env: dict[str, str], work_dir: Path) -> StrictReport:
    """Run the strict ``tools/list`` against ``url`` and read what it found."""
    command = [
        str(tools.node),
        str(tools.inspector),
        "--cli",
        url,
        "--method",
        "tools/list",
        "--strict",
        "--format",
        "json",
    ]
    outcome = run_command(command, env, work_dir, TIMEOUT)
    (work_dir / "inspector-tools-list.json").write_text(outcome.stdout)
    report = read_strict_output(outcome.returncode, outcome.stdout, outcome.stderr)
    report.seconds = outcome.seconds
    return report


def read_strict_output(returncode: int, stdout: str, stderr: str) -> StrictReport:
    """A :class:`StrictReport` from the Inspector's exit code, JSON envelope and stderr."""
    report = StrictReport()
    try:
        envelope: dict[str, Any] = json.loads(stdout)
    except ValueError:
        report.problems.append(f"no JSON result on stdout (exit {returncode}): {stdout[:500]!r}")
        envelope = {}
    report.tools = len(envelope.get("result", {}).get("tools", []))
    for tool in envelope.get("schemaFindings", []):
        for finding in tool.get("findings", []):
            path = f"{finding.get('schema')}{'.' + finding['path'] if finding.get('path') else ''}"
            report.findings.append(
                f"{finding.get('severity', '?')}: tool {tool.get('toolName')!r} at {path}: "
                f"[{finding.get('rule')}] {finding.get('issue')}"
            )
    if stderr.strip() and not report.findings:
        report.problems.append(f"stderr: {stderr.strip()[:2000]}")
    if returncode != 0:
        report.problems.append(f"exit code {returncode}")
    return report
