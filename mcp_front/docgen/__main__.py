"""``python -m mcp_front.docgen [--check | --record [--only NAME,...]]`` (see the package docstring)."""

from __future__ import annotations

import argparse
import difflib
import sys

from mcp_front.docgen import DOC_PATH, GENERATE, ROOT, examples, store
from mcp_front.docgen.declarations import Declarations, load
from mcp_front.docgen.render import render


def generate(declared: Declarations | None = None) -> str:
    """docs/tools.md as it should be now."""
    return render(declared or load(), store.load(), examples)


def prune(recorded: store.Recorded, declared: Declarations) -> store.Recorded:
    """The recorded answers of what is still declared."""
    names = {
        "tools": {t.name for t in declared.tools},
        "resources": {*(str(r.uri) for r in declared.resources), *(t.uri_template for t in declared.templates)},
    }
    return {section: {k: v for k, v in entries.items() if k in names[section]} for section, entries in recorded.items()}


def check(expected: str) -> int:
    """0 when docs/tools.md is up to date, else 1 with a diff summary on stderr."""
    current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
    if current == expected:
        print(f"{DOC_PATH.relative_to(ROOT)} is up to date")
        return 0
    diff = list(
        difflib.unified_diff(
            current.splitlines(),
            expected.splitlines(),
            "docs/tools.md (current)",
            "docs/tools.md (generated)",
            lineterm="",
            n=1,
        )
    )
    changed = sum(1 for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---"))
    print(f"{DOC_PATH.relative_to(ROOT)} is out of date ({changed} lines differ); run `{GENERATE}`", file=sys.stderr)
    print("\n".join(diff[:60]) + ("\n..." if len(diff) > 60 else ""), file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mcp_front.docgen", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/tools.md is out of date")
    parser.add_argument(
        "--record",
        action="store_true",
        help="record the example answers against the emulator (starts Redis, workers, a front)",
    )
    parser.add_argument("--only", help="with --record: comma-separated tool names (or resource URIs / templates)")
    options = parser.parse_args(argv)
    if options.only and not options.record:
        parser.error("--only goes with --record")
    declared = load()
    if options.check:
        return check(generate(declared))
    status = 0
    if options.record:
        from mcp_front.docgen.record import RecordingError, record

        recorded = store.load()
        only = [name.strip() for name in options.only.split(",") if name.strip()] if options.only else None
        try:
            failures = record(declared, recorded, only)
        except RecordingError as exc:
            parser.error(str(exc))
        store.save(prune(recorded, declared))
        for name, reason in failures.items():
            print(f"FAILED {name}: {reason}", file=sys.stderr)
        status = 1 if failures else 0
    DOC_PATH.write_text(generate(declared), encoding="utf-8")
    print(f"wrote {DOC_PATH.relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
