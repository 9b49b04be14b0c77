"""``python -m tests.conformance``: the Inspector's strict tools/list and the MCP conformance suite
(both spec versions) against a real front, workers, Redis and the TIDAL emulator.

Exit status: 0 when every check is as expected, 1 when one is not, 2 when the run itself could not
happen (tools not installable, stack not starting, another run in progress). Results and process
logs of the last run stay in ``.run/conformance/``.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import signal
import sys
import time
from collections.abc import Sequence
from types import FrameType

from tests.conformance.inspector import inspector_env, strict_tools_list
from tests.conformance.node_tools import ensure_node_tools
from tests.conformance.stack import running_front
from tests.conformance.suite import SPEC_VERSIONS, run_suite
from tests.support.processes import REPO_ROOT

WORK_DIR = REPO_ROOT / ".run" / "conformance"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options (all optional: the default is the full CI run)."""
    parser = argparse.ArgumentParser(prog="python -m tests.conformance", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--spec-version",
        action="append",
        choices=SPEC_VERSIONS,
        help="run the suite for this version only (repeatable; default: all)",
    )
    parser.add_argument("--scenario", help="run one conformance scenario only (debugging)")
    parser.add_argument("--skip-inspector", action="store_true", help="skip the strict tools/list check")
    parser.add_argument("--skip-suite", action="store_true", help="skip the conformance suite")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the checks; print one summary line per run; return the exit status."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # unwind (and stop every process) as Ctrl-C does
    WORK_DIR.parent.mkdir(parents=True, exist_ok=True)
    with (WORK_DIR.parent / "conformance.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("another conformance run is in progress in this checkout", file=sys.stderr)
            return 2
        shutil.rmtree(WORK_DIR, ignore_errors=True)
        WORK_DIR.mkdir()
        try:
            return _run(args)
        except KeyboardInterrupt:
            print("interrupted; every process started was stopped", file=sys.stderr)
            return 130


def _run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    try:
        tools = ensure_node_tools()
    except (RuntimeError, OSError) as exc:
        print(f"could not install the node tools: {exc}", file=sys.stderr)
        return 2
    env = inspector_env(dict(os.environ), WORK_DIR / "inspector-state")
    summaries: list[str] = []
    failed = False
    try:
        with running_front(WORK_DIR) as url:
            print(f"front at {url} (logs in {WORK_DIR / 'logs'})", flush=True)
            if not args.skip_inspector:
                strict = strict_tools_list(tools, url, env, WORK_DIR)
                summaries.append(strict.summary())
                print(summaries[-1], flush=True)
                for line in strict.findings + strict.problems:
                    print(f"  {line}", flush=True)
                failed |= not strict.ok
            for version in [] if args.skip_suite else (args.spec_version or list(SPEC_VERSIONS)):
                report = run_suite(tools, url, version, env, WORK_DIR, scenario=args.scenario)
                summaries.append(report.summary())
                print(summaries[-1], flush=True)
                if not report.ok:
                    print(report.details(), flush=True)
                failed |= not report.ok
    except AssertionError as exc:  # the stack helpers fail this way, with the process logs
        print(f"the stack did not start:\n{exc}", file=sys.stderr)
        return 2
    print(f"\n== conformance summary ({time.monotonic() - started:.0f} s; results in {WORK_DIR})")
    for line in summaries:
        print(line)
    return 1 if failed else 0


def _exit_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
