"""The distribution: `python -m build` makes an sdist and a wheel that `twine check` accepts, and the wheel
installed alone into a fresh venv runs (`--version`, `demo`, `supervise`) with no source tree in sight."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest
from mcp import Client

from mcp_front.examples import EXAMPLE_TRACK_ID
from shared.version import VERSION
from tests.e2e.conftest import login, stack_environment, start_stack, stop_stack
from tests.support.processes import REPO_ROOT, Proc, free_port, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.anyio]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """``python -m build`` on a copy of the checkout's files (tracked and new, not ignored)."""
    tree, out = tmp_path_factory.mktemp("tree"), tmp_path_factory.mktemp("dist")
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO_ROOT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = REPO_ROOT / name
        if source.is_file() or source.is_symlink():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tree / name, follow_symlinks=False)
    built = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(tree)], capture_output=True,
                           text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory) -> Path:
    """A fresh venv with the wheel and its dependencies, nothing else; its bin directory."""
    where = tmp_path_factory.mktemp("venv")
    venv.create(where, with_pip=True)
    wheel = next(dist.glob("tidal_mcp-*.whl"))
    subprocess.run([str(where / "bin" / "pip"), "install", "--quiet", str(wheel)], check=True, capture_output=True,
                   timeout=600, stdin=subprocess.DEVNULL)
    return where / "bin"


def outside_env(bin_dir: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """An environment that cannot see the checkout: no PYTHONPATH, the installed venv first on PATH."""
    env = {k: v for k, v in (base or os.environ).items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}/usr/bin:/bin"
    return env


async def test_the_wheel_installs_alone_and_runs(dist, installed, tmp_path, e2e_emulator):
    # one test, so that one xdist worker builds and installs once
    check_distributions(dist)
    version = subprocess.run([str(installed / "tidal-mcp"), "--version"], capture_output=True, text=True,
                             timeout=60, cwd=tmp_path, env=outside_env(installed), stdin=subprocess.DEVNULL)
    assert version.returncode == 0 and version.stdout.strip() == f"tidal-mcp {VERSION}"
    await installed_demo_serves_a_tool_call(installed, tmp_path / "demo")
    await installed_supervise_runs_the_stack(installed, tmp_path / "supervise", e2e_emulator)


def check_distributions(dist: Path) -> None:
    checked = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())],
                             capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    names = zipfile.ZipFile(next(dist.glob("*.whl"))).namelist()
    assert "shared/ops/stack/Procfile" in names and "shared/ops/stack/supervisord.conf" in names
    assert "tidal_mcp_emulator/__main__.py" in names
    assert not [n for n in names if n.startswith("tests/")], "no tests package is installed"
    with tarfile.open(next(dist.glob("*.tar.gz"))) as sdist:
        members = sdist.getnames()
    assert any(m.endswith("tests/fake_tidal/app.py") for m in members)
    assert (REPO_ROOT / "Procfile").resolve() == REPO_ROOT / "shared/ops/stack/Procfile", \
        "the checkout's Procfile is the shipped one"


async def installed_demo_serves_a_tool_call(installed: Path, tmp_path: Path) -> None:
    env = outside_env(installed, {k: v for k, v in os.environ.items() if not k.startswith(("TIDAL_", "REDIS_"))})
    port = free_port()
    env.update(PYTHONUNBUFFERED="1", TIDAL_MCP_DEMO_DATA_DIR=str(tmp_path / "demo"),
               TIDAL_MCP_DEMO_PORT=str(port), TIDAL_MCP_DEMO_DASHBOARD_PORT=str(free_port()),
               TIDAL_MCP_DEMO_REDIS_PORT=str(free_port()), TIDAL_MCP_DEMO_EMULATOR_PORT=str(free_port()))
    tmp_path.mkdir(parents=True, exist_ok=True)
    demo = Proc("installed-demo", [str(installed / "tidal-mcp"), "demo", "--workers", "1"], env, tmp_path / "logs",
                cwd=tmp_path)
    try:
        wait_until(lambda: demo.alive() and "The demo is up" in demo.stdout_path.read_text(), 120,
                   lambda: "the installed demo did not come up\n" + demo.problems(), interval=0.2)
        async with Client(f"http://127.0.0.1:{port}/mcp") as client:
            track = await client.call_tool("tidal_get_track", {"track_id": EXAMPLE_TRACK_ID})
        assert not track.is_error and track.structured_content["id"] == EXAMPLE_TRACK_ID
    finally:
        demo.stop(timeout=30)
    assert str(REPO_ROOT) not in demo.stdout_path.read_text(), "the installed demo used the checkout"


async def installed_supervise_runs_the_stack(installed: Path, tmp_path: Path, emulator) -> None:  # type: ignore[no-untyped-def]
    tmp_path.mkdir(parents=True, exist_ok=True)
    env = outside_env(installed, stack_environment(tmp_path, emulator, workers=1))
    login(env, tmp_path / "logs")
    stack = start_stack([str(installed / "tidal-mcp"), "supervise"], env, emulator, tmp_path / "logs", workers=1)
    try:
        async with Client(stack.mcp_url) as client:
            track = await client.call_tool("tidal_get_track", {"track_id": EXAMPLE_TRACK_ID})
        assert track.structured_content["id"] == EXAMPLE_TRACK_ID
        assert stack.health()["workers"] == 1
    finally:
        stop_stack(stack)
