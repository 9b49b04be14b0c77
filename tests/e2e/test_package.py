"""The distribution: `python -m build` makes an sdist and a wheel that `twine check` accepts, and the wheel
installed alone into a fresh venv runs (`--version`, `demo`, `supervise`) with no source tree in sight: every
command runs from a directory outside the checkout, with no PYTHONPATH, on the installed venv's PATH only.

`python -m build` builds the wheel from the sdist, so the sdist is proven complete too. The fresh venv gets
the wheel and its dependencies through the test's own pip (``pip --python``: no ensurepip; the dependencies
come from the configured index or pip's cache), byte-compiled once there rather than in every process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest
import requests
from mcp import Client

from mcp_front.examples import EXAMPLE_TRACK_ID
from shared.version import VERSION
from tests.e2e.conftest import Stack, stack_environment, stop_stack
from tests.fake_tidal.client import Control
from tests.support.processes import REPO_ROOT, Proc, free_port, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.anyio]

STACK_DIR = REPO_ROOT / "shared" / "ops" / "stack"


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """``python -m build`` on a copy of the checkout's files (tracked and new, not ignored)."""
    tree, out = tmp_path_factory.mktemp("tree"), tmp_path_factory.mktemp("dist")
    files = (
        subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO_ROOT, check=True, capture_output=True
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, files):
        source = REPO_ROOT / name
        if source.is_file() or source.is_symlink():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tree / name, follow_symlinks=False)
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(tree)],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory) -> Path:
    """A fresh venv with the wheel and its dependencies, nothing else (not even pip); its bin directory."""
    where = tmp_path_factory.mktemp("venv")
    venv.create(where, with_pip=False)
    wheel = next(dist.glob("tidal_mcp-*.whl"))
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(where / "bin" / "python"), "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    assert pip.returncode == 0, pip.stdout[-3000:] + pip.stderr[-3000:]
    return where / "bin"


def outside_env(bin_dir: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """An environment that cannot see the checkout: no PYTHONPATH, the installed venv first on PATH."""
    env = {k: v for k, v in (base or os.environ).items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}/usr/bin:/bin"
    return env


async def test_the_wheel_installs_alone_and_runs(dist, installed, tmp_path, e2e_emulator):
    # one test, so that one xdist worker builds and installs once
    check_distributions(dist)
    check_the_checkout_links_the_shipped_stack_files()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    check_the_venv_holds_the_package_alone(installed, outside)
    version = subprocess.run(
        [str(installed / "tidal-mcp"), "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=outside,
        env=outside_env(installed),
        stdin=subprocess.DEVNULL,
    )
    assert version.returncode == 0 and version.stdout.strip() == f"tidal-mcp {VERSION}", version.stderr
    await installed_demo_serves_a_tool_call(installed, outside, tmp_path / "demo")
    await installed_supervise_runs_the_stack(installed, outside, tmp_path / "supervise", e2e_emulator)


def check_distributions(dist: Path) -> None:
    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    names = set(zipfile.ZipFile(next(dist.glob("*.whl"))).namelist())
    stack_files = {f"shared/ops/stack/{path.name}" for path in STACK_DIR.iterdir() if path.is_file()}
    assert {"shared/ops/stack/Procfile", "shared/ops/stack/supervisord.conf"} <= stack_files
    assert stack_files - names == set(), "every file of shared/ops/stack ships in the wheel"
    emulator = {f"tidal_mcp_emulator/{path.name}" for path in (REPO_ROOT / "tests" / "fake_tidal").glob("*.py")}
    assert emulator - names == set(), "the whole emulator ships as tidal_mcp_emulator"
    assert "shared/version.py" in names and "mcp_front/server.py" in names and "workers/worker.py" in names
    assert not [n for n in names if n.startswith("tests/")], "no tests package is installed"
    with tarfile.open(next(dist.glob("*.tar.gz"))) as sdist:
        members = sdist.getnames()
    assert any(m.endswith("tests/fake_tidal/app.py") for m in members)
    assert any(m.endswith("shared/ops/stack/supervisord.conf") for m in members)


def check_the_checkout_links_the_shipped_stack_files() -> None:
    """honcho/foreman/supervisord users run the root files; they are the shipped ones, not copies."""
    for name in ("Procfile", "supervisord.conf"):
        assert (REPO_ROOT / name).resolve() == STACK_DIR / name, f"the checkout's {name} is not the shipped one"


def check_the_venv_holds_the_package_alone(installed: Path, cwd: Path) -> None:
    """The installed modules come from the venv, the checkout's emulator (``tests.fake_tidal``) is out of reach, and
    the data dir defaults to ``$XDG_STATE_HOME/tidal-mcp`` (not a ``.run`` beside the installed modules).

    (``import tests`` alone may succeed: rq-dashboard 0.9.0's wheel installs a stray ``tests/fixtures`` directory.)
    """
    probe = (
        "import importlib.util as u, json, shared, mcp_front, workers, tidal_mcp_emulator as e;"
        "from shared.settings import default_data_dir as d;"
        "print(json.dumps([m.__file__ for m in (shared, mcp_front, workers, e)]"
        " + [str(d()), u.find_spec('tests.fake_tidal') is None]))"
    )
    env = {**outside_env(installed), "XDG_STATE_HOME": str(cwd / "state")}
    result = subprocess.run(
        [str(installed / "python"), "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    *files, data_dir, no_checkout_emulator = json.loads(result.stdout)
    assert data_dir == str(cwd / "state" / "tidal-mcp")
    site = installed.parent.resolve()
    assert all(Path(f).resolve().is_relative_to(site) for f in files), files
    assert no_checkout_emulator, "tests.fake_tidal is importable from the installed venv"


async def installed_demo_serves_a_tool_call(installed: Path, cwd: Path, tmp_path: Path) -> None:
    env = outside_env(installed, {k: v for k, v in os.environ.items() if not k.startswith(("TIDAL_", "REDIS_"))})
    port = free_port()
    env.update(
        PYTHONUNBUFFERED="1",
        TIDAL_MCP_DEMO_DATA_DIR=str(tmp_path / "data"),
        TIDAL_MCP_DEMO_PORT=str(port),
        TIDAL_MCP_DEMO_DASHBOARD_PORT=str(free_port()),
        TIDAL_MCP_DEMO_REDIS_PORT=str(free_port()),
        TIDAL_MCP_DEMO_EMULATOR_PORT=str(free_port()),
    )
    demo = Proc(
        "installed-demo", [str(installed / "tidal-mcp"), "demo", "--workers", "1"], env, tmp_path / "logs", cwd=cwd
    )
    try:
        wait_until(
            lambda: not demo.alive() or "The demo is up" in demo.stdout_path.read_text(),
            120,
            lambda: "the installed demo did not come up\n" + demo.problems(),
            interval=0.2,
        )
        assert demo.alive(), "the installed demo exited\n" + demo.problems()
        async with Client(f"http://127.0.0.1:{port}/mcp") as client:
            track = await client.call_tool("tidal_get_track", {"track_id": EXAMPLE_TRACK_ID})
        assert not track.is_error and track.structured_content["id"] == EXAMPLE_TRACK_ID
    finally:
        demo.stop(timeout=30)
    assert str(REPO_ROOT) not in demo.logs(tail=None), "the installed demo used the checkout"


async def installed_supervise_runs_the_stack(installed: Path, cwd: Path, tmp_path: Path, emulator) -> None:  # type: ignore[no-untyped-def]
    env = outside_env(installed, stack_environment(tmp_path, emulator, workers=1))
    tidal_mcp = str(installed / "tidal-mcp")
    login = Proc("installed-login", [tidal_mcp, "login"], env, tmp_path / "logs", cwd=cwd)
    assert login.popen.wait(60) == 0, login.problems()
    login.stop()
    stack = Stack(
        env,
        Proc("installed-supervise", [tidal_mcp, "supervise"], env, tmp_path / "logs", cwd=cwd),
        emulator,
        Control(emulator.url),
    )

    def healthy_or_gone() -> bool:
        if not stack.proc.alive():
            return True
        try:
            return requests.get(f"{stack.base}/health", timeout=5).json().get("workers") == 1
        except (requests.RequestException, ValueError):
            return False

    try:
        wait_until(
            healthy_or_gone,
            90,
            lambda: "the installed supervise stack did not come up\n" + stack.proc.problems(),
            interval=0.1,
        )
        assert stack.proc.alive(), "supervisord exited\n" + stack.proc.problems()
        expected = {
            "tidal-mcp:redis": "RUNNING",
            "tidal-mcp:front": "RUNNING",
            "tidal-mcp:dashboard": "RUNNING",
            "tidal-mcp:worker_00": "RUNNING",
        }

        def programs() -> dict[str, str]:
            status = subprocess.run(
                [tidal_mcp, "supervisorctl", "status"],
                capture_output=True,
                text=True,
                timeout=30,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
            )
            return dict(line.split()[:2] for line in status.stdout.splitlines() if line.strip())

        # a program is STARTING until its startsecs pass (the dashboard's may outlast the health check)
        wait_until(lambda: programs() == expected, 60, lambda: f"supervisorctl status: {programs()}", interval=0.5)
        async with Client(stack.mcp_url) as client:
            track = await client.call_tool("tidal_get_track", {"track_id": EXAMPLE_TRACK_ID})
        assert track.structured_content["id"] == EXAMPLE_TRACK_ID
    finally:
        stop_stack(stack)
