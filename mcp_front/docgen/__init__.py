"""docs/tools.md, generated from the server's own declarations (tools, resources, templates, prompts).

* ``python -m mcp_front.docgen`` writes docs/tools.md from the declarations and the answers recorded
  in docs/tool-examples.json (fast: no Redis, no TIDAL);
* ``python -m mcp_front.docgen --check`` exits 1 with a diff summary when docs/tools.md is out of date;
* ``python -m mcp_front.docgen --record [--only NAME,...]`` calls every tool and resource example
  (examples.py) through the MCP SDK client against a real stack on the TIDAL emulator (seed 42) and
  stores the answers (prompts need no recording: their messages come from the server when generating).

``tests/unit/test_tools_doc.py`` fails when any of it drifts.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC_PATH = ROOT / "docs" / "tools.md"
RECORDED_PATH = ROOT / "docs" / "tool-examples.json"
GENERATE = ".venv/bin/python -m mcp_front.docgen"
RECORD = ".venv/bin/python -m mcp_front.docgen --record --only"
