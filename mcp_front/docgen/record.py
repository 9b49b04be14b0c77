"""Record the example answers: a real stack (Redis, workers, front) on the TIDAL emulator, the MCP SDK client.

Only ever against the emulator (seed 42), never real TIDAL. Before each example the emulator's state
and the pool's caches are reset, so every answer starts from the seeded catalog whatever was
recorded before it (``--only`` gives the same answers as a full recording).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from mcp import Client
from mcp.types import TextContent

from mcp_front.docgen import ROOT, examples
from mcp_front.docgen.declarations import Declarations
from mcp_front.docgen.normalize import Placeholders, stabilize
from mcp_front.docgen.store import Recorded

#: The front's rate settings while recording (the emulator has no limit of its own here).
STACK_ENV = {"TIDAL_MCP_RATE_START": "200", "TIDAL_MCP_RATE_LIMIT": "200", "TIDAL_MCP_RATE_BURST": "50"}
CALL_TIMEOUT_S = 60.0


class RecordingError(Exception):
    """An example call failed: the example needs fixing (or the tool does)."""


@dataclass
class Session:
    """What recording one example needs: the client, the stack, what the catalog already has."""

    client: Client
    stack: Any
    emulator_url: str
    known_uuids: list[str]
    failures: dict[str, str] = field(default_factory=dict)


def _at(answer: Any, path: str) -> Any:
    """The value at a dotted path (``snapshots.0.id``)."""
    for part in path.split("."):
        answer = answer[int(part)] if isinstance(answer, list) else answer[part]
    return answer


async def _call(client: Client, tool: str, arguments: dict[str, Any]) -> Any:
    result = await client.call_tool(tool, arguments, read_timeout_seconds=CALL_TIMEOUT_S)
    if result.is_error:
        text = " ".join(getattr(c, "text", "") for c in result.content)
        raise RecordingError(f"{tool}({json.dumps(arguments)}) failed: {text}")
    if result.structured_content is not None:
        return result.structured_content
    return json.loads(cast(TextContent, result.content[0]).text) if result.content else None  # JSON as text


async def record_tool(session: Session, name: str) -> dict[str, Any]:
    """Run a tool's steps and its example; the shown arguments and the stabilized answer."""
    shown = examples.TOOLS[name]
    arguments = dict(shown)
    placeholders = Placeholders(session.known_uuids)
    called_at = datetime.now(UTC)
    for step in examples.STEPS.get(name, ()):
        answer = await _call(session.client, step.tool, step.arguments)
        for argument, path in step.keep.items():
            arguments[argument] = _at(answer, path)
            placeholders.shown[str(arguments[argument])] = str(shown[argument])
    answer = await _call(session.client, name, arguments)
    return {
        "arguments": shown,
        "answer": stabilize(answer, placeholders=placeholders, called_at=called_at, emulator_url=session.emulator_url),
    }


async def record_resource(session: Session, key: str) -> dict[str, Any]:
    """Read a resource's example URI; the answer's JSON, stabilized."""
    uri = examples.RESOURCES[key]
    called_at = datetime.now(UTC)
    result = await session.client.read_resource(uri)
    texts = [getattr(content, "text", None) for content in result.contents]
    answer = [json.loads(text) if text else None for text in texts]
    return {
        "uri": uri,
        "answer": stabilize(
            answer[0] if len(answer) == 1 else answer,
            placeholders=Placeholders(session.known_uuids),
            called_at=called_at,
            emulator_url=session.emulator_url,
        ),
    }


async def _record_all(session: Session, chosen: dict[str, list[str]], into: Recorded) -> None:
    recorders = {"tools": record_tool, "resources": record_resource}
    for section, names in chosen.items():
        for name in names:
            await asyncio.to_thread(session.stack.fresh)
            try:
                into[section][name] = await recorders[section](session, name)
            except Exception as exc:  # reported per example; the others go on
                session.failures[name] = str(exc) or type(exc).__name__
            print(f"  {'failed' if name in session.failures else 'recorded'} {name}", flush=True)


def choose(declared: Declarations, only: Iterable[str] | None) -> dict[str, list[str]]:
    """The declared names to record with an example (all of them, or those in ``only``)."""
    names = {
        "tools": [t.name for t in declared.tools if t.name in examples.TOOLS],
        "resources": [
            k
            for k in [*(str(r.uri) for r in declared.resources), *(t.uri_template for t in declared.templates)]
            if k in examples.RESOURCES
        ],
    }
    if only is None:
        return names
    wanted = set(only)
    unknown = wanted - {name for section in names.values() for name in section}
    if unknown:
        raise RecordingError(
            f"no tool or resource with an example is called {', '.join(sorted(unknown))} "
            "(add it to mcp_front/docgen/examples.py first)"
        )
    return {section: [n for n in section_names if n in wanted] for section, section_names in names.items()}


def record(declared: Declarations, recorded: Recorded, only: Iterable[str] | None = None) -> dict[str, str]:
    """Record into ``recorded`` (replacing what it had for those names); the failures by name."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.support.stack import shared_stack  # the test stack: only needed when recording

    chosen = choose(declared, only)
    for noisy in ("httpx", "httpx2", "mcp"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="tidal-docgen-") as tmp,
        shared_stack(Path(tmp), workers=2, front=True, **STACK_ENV) as stack,
    ):
        catalog = stack.control.get("catalog")
        known = [*catalog["playlist_uuids"], *catalog["user_playlist_uuids"], *catalog["folder_ids"]]
        print(f"stack ready in {time.monotonic() - started:.1f} s", flush=True)

        async def run() -> dict[str, str]:
            async with Client(stack.mcp_url) as client:
                session = Session(client, stack, stack.emu.url, known)
                await _record_all(session, chosen, recorded)
                return session.failures

        failures = asyncio.run(run())
    print(f"recorded in {time.monotonic() - started:.1f} s", flush=True)
    return failures
