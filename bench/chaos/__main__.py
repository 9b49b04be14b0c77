"""Run the chaos scenarios and print one summary line each.

    .venv/bin/python -m bench.chaos [--scenario NAME ...] [--bin PATH/TO/venv/bin]

``--bin`` picks the installation under test (its ``tidal-mcp``); the emulator and this runner come
from this checkout, so an older checkout's venv can be measured side by side with the current one.
Writes JSON to ``bench/results/chaos-<time>.json``. Figures belong in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.chaos.scenarios import SCENARIOS  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.chaos")
    parser.add_argument(
        "--scenario", action="append", choices=sorted(SCENARIOS), help="run only these (repeatable); default: all"
    )
    parser.add_argument(
        "--bin",
        type=Path,
        default=Path(sys.executable).parent,
        help="the bin directory of the installation under test (default: this venv)",
    )
    parser.add_argument("--keep", action="store_true", help="keep each scenario's logs (printed path)")
    parser.add_argument("--label", default="current", help="a name for this run in the JSON output")
    args = parser.parse_args()

    results: dict[str, dict] = {}
    for name in args.scenario or list(SCENARIOS):
        tmp = Path(tempfile.mkdtemp(prefix=f"chaos-{name}-"))
        started = time.monotonic()
        try:
            line, figures = asyncio.run(SCENARIOS[name](args.bin, tmp))
        except Exception as exc:  # a scenario that cannot even run is a finding too
            line, figures = f"did not complete: {type(exc).__name__}: {str(exc)[:300]}", {"error": str(exc)}
        results[name] = {**figures, "summary": line, "wall_s": round(time.monotonic() - started, 1)}
        print(f"{name:22} {line}", flush=True)
        if args.keep:
            print(f"{'':22} logs: {tmp}", flush=True)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"chaos-{args.label}-{int(time.time())}.json"
    path.write_text(json.dumps({"label": args.label, "bin": str(args.bin), "results": results}, indent=2, default=str))
    print(f"(JSON: {path.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
