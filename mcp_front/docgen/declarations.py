"""What the server declares, read through the SDK's listing API of servers built in-process (no Redis).

Prompts need no TIDAL: their example messages are asked of the server here, so they never go stale.

The full server (writes on) is the reference; a second one with ``TIDAL_MCP_READ_ONLY`` tells which
tools read-only mode hides; one scratch server per area module tells each tool's area.
"""

from __future__ import annotations

import asyncio
import inspect
from dataclasses import dataclass
from types import ModuleType

from mcp import types
from mcp.server import MCPServer

from mcp_front.docgen import examples
from mcp_front.server import build_server
from mcp_front.tools import AREAS
from shared.settings import Settings

OTHER_AREA = "other"


@dataclass(frozen=True)
class Area:
    """One tool module: its name (``tracks``) and the first sentence of its docstring."""

    name: str
    summary: str


@dataclass(frozen=True)
class Declarations:
    """Everything a client can list, in declaration order."""

    tools: list[types.Tool]
    resources: list[types.Resource]
    templates: list[types.ResourceTemplate]
    prompts: list[types.Prompt]
    areas: list[Area]
    area_of: dict[str, str]
    hidden_read_only: frozenset[str]
    #: Each prompt's messages (role, text) for its example arguments: rendered live, never recorded.
    prompt_messages: dict[str, list[dict[str, str]]]

    def tools_by_area(self) -> list[tuple[Area, list[types.Tool]]]:
        """The tools grouped by area (areas in AREAS order, tools in declaration order)."""
        groups = [(area, [t for t in self.tools if self.area_of.get(t.name) == area.name]) for area in self.areas]
        return [(area, tools) for area, tools in groups if tools]


def _area(module: ModuleType) -> Area:
    doc = inspect.getdoc(module) or ""
    first = doc.split("\n\n")[0].replace("\n", " ").strip()
    return Area(module.__name__.rsplit(".", 1)[-1], first)


async def _area_tools(module: ModuleType) -> list[str]:
    """The tools one area module declares (writes included) on a scratch server."""
    scratch = MCPServer("scratch")
    params = inspect.signature(module.register).parameters
    module.register(scratch, **({"writes": True} if "writes" in params else {}))
    return [tool.name for tool in await scratch.list_tools()]


async def _messages(server: MCPServer, name: str, arguments: dict[str, str]) -> list[dict[str, str]]:
    result = await server.get_prompt(name, arguments)
    return [{"role": m.role, "text": getattr(m.content, "text", "")} for m in getattr(result, "messages", [])]


async def collect() -> Declarations:
    """Build the servers and list their declarations."""
    full = build_server(Settings.from_env({}), http=False)
    read_only = build_server(Settings.from_env({"TIDAL_MCP_READ_ONLY": "1"}), http=False)
    tools = await full.list_tools()
    offered_read_only = {tool.name for tool in await read_only.list_tools()}
    areas = [_area(module) for module in AREAS]
    area_of: dict[str, str] = {}
    for module, area in zip(AREAS, areas, strict=True):
        for name in await _area_tools(module):
            area_of.setdefault(name, area.name)
    if any(tool.name not in area_of for tool in tools):
        areas.append(Area(OTHER_AREA, "Tools declared outside the area modules."))
        area_of.update({tool.name: OTHER_AREA for tool in tools if tool.name not in area_of})
    prompts = await full.list_prompts()
    return Declarations(
        tools=tools,
        resources=await full.list_resources(),
        templates=await full.list_resource_templates(),
        prompts=prompts,
        areas=areas,
        area_of=area_of,
        hidden_read_only=frozenset(tool.name for tool in tools) - offered_read_only,
        prompt_messages={
            p.name: await _messages(full, p.name, examples.PROMPTS[p.name])
            for p in prompts
            if p.name in examples.PROMPTS
        },
    )


def load() -> Declarations:
    """:func:`collect`, from synchronous code."""
    return asyncio.run(collect())
