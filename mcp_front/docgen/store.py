"""docs/tool-examples.json: the recorded example answers, read by the generator and the drift test.

Shape: ``{"about": ..., "tools": {name: {"arguments", "answer"}}, "resources": {uri or template:
{"uri", "answer"}}}``; names sorted, so re-recording one example changes only its own lines. (Prompts
are not recorded: their messages come from the server itself when the page is generated.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mcp_front.docgen import RECORDED_PATH

SECTIONS = ("tools", "resources")
ABOUT = (
    "Example answers recorded by `python -m mcp_front.docgen --record` against the TIDAL emulator "
    "(seed 42), shortened and with recording-time values replaced by placeholders. Generated; do not edit."
)

Recorded = dict[str, dict[str, dict[str, Any]]]


def load(path: Path = RECORDED_PATH) -> Recorded:
    """The recorded answers (empty sections when the file does not exist yet)."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {section: dict(data.get(section, {})) for section in SECTIONS}


def save(recorded: Recorded, path: Path = RECORDED_PATH) -> None:
    """Write the answers, names sorted in each section."""
    body: dict[str, Any] = {"about": ABOUT}
    body.update({section: dict(sorted(recorded.get(section, {}).items())) for section in SECTIONS})
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
