"""What the whole-stack launchers (``tidal-mcp run``, ``supervise``, ``demo``) share.

Example::

    env = stack_environment(settings, workers=4)
    os.execve(*honcho_command(env), env)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from shared.datadir import REDIS_PASSWORD, private_dir, secret
from shared.redis_conn import connect, ping
from shared.settings import Settings

#: The Procfile and supervisord.conf, shipped inside the package (the checkout's root files link here).
STACK_CONFIG = Path(__file__).resolve().parent / "stack"
#: Longest Unix socket path used as is: ``sun_path`` holds 108 bytes on Linux, 104 on macOS.
SOCKET_PATH_MAX = 100


def venv_bin(name: str) -> str:
    """A console script installed beside this Python (the venv), else from PATH."""
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else (shutil.which(name) or name)


def stack_environment(
    settings: Settings, workers: int | None = None, base_env: dict[str, str] | None = None
) -> dict[str, str]:
    """Environment for every process of a stack: absolute private data dir, a fresh metrics dir, PATH.

    When the stack will run the bundled Redis (nothing answers at ``REDIS_URL`` yet), its password
    is generated now, before any process starts, so that every process reads the same one.
    """
    env = dict(os.environ if base_env is None else base_env)
    data_dir = private_dir(settings.data_dir.resolve())
    prometheus_dir = data_dir / "prometheus"
    shutil.rmtree(prometheus_dir, ignore_errors=True)  # multiprocess mode needs a clean dir per run
    private_dir(data_dir / "logs")
    private_dir(prometheus_dir)
    if not ping(connect(settings.redis_url)):
        secret(data_dir, REDIS_PASSWORD, create=True)
    env.update(
        TIDAL_MCP_DATA_DIR=str(data_dir),
        TIDAL_MCP_SUPERVISOR_SOCKET=str(supervisor_socket(data_dir)),
        PROMETHEUS_MULTIPROC_DIR=str(prometheus_dir),
        TIDAL_MCP_WORKERS=str(workers or settings.workers),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
    )
    return env


def supervisor_socket(data_dir: Path) -> Path:
    """Where supervisord listens: ``<data dir>/supervisor.sock``, unless that path is too long for a
    Unix socket (a deep data dir); then a socket named for the data dir in a private per-user directory
    (``$XDG_RUNTIME_DIR`` or the temp dir), so ``supervise`` works wherever the data dir lives.

    >>> supervisor_socket(Path("/srv/tidal-mcp"))
    PosixPath('/srv/tidal-mcp/supervisor.sock')
    """
    path = data_dir / "supervisor.sock"
    if len(os.fsencode(path)) <= SOCKET_PATH_MAX:
        return path
    name = f"tidal-mcp-{os.getuid()}/{hashlib.sha256(os.fsencode(data_dir)).hexdigest()[:16]}.sock"
    bases = [Path(p) for p in (os.environ.get("XDG_RUNTIME_DIR"), tempfile.gettempdir(), "/tmp") if p]
    base = next((b for b in bases if len(os.fsencode(b / name)) <= SOCKET_PATH_MAX), bases[-1])
    path = base / name
    _owned_private_dir(path.parent)
    return path


def _owned_private_dir(path: Path) -> Path:
    """``path`` as a 0700 directory of this user (a shared temp dir: refuse one someone else made)."""
    path.mkdir(mode=0o700, exist_ok=True)
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise RuntimeError(f"{path} is not a directory of this user; remove it or set a shorter TIDAL_MCP_DATA_DIR")
    os.chmod(path, 0o700)
    return path


def honcho_command(env: dict[str, str]) -> list[str]:
    """``honcho start`` on the shipped Procfile with ``TIDAL_MCP_WORKERS`` workers.

    The app root is the data dir, so honcho never reads a ``.env`` from wherever the command was typed
    over the environment the launcher validated; the processes keep the caller's working directory.
    """
    return [
        venv_bin("honcho"),
        "start",
        "-f",
        str(STACK_CONFIG / "Procfile"),
        "-d",
        env["TIDAL_MCP_DATA_DIR"],
        "-c",
        f"worker={env['TIDAL_MCP_WORKERS']}",
    ]


def supervisorctl_environment(settings: Settings) -> dict[str, str]:
    """What ``supervisorctl`` needs to reach a running stack: its data dir, socket and worker count."""
    data_dir = settings.data_dir.resolve()
    return {
        **os.environ,
        "TIDAL_MCP_DATA_DIR": str(data_dir),
        "TIDAL_MCP_SUPERVISOR_SOCKET": str(supervisor_socket(data_dir)),
        "TIDAL_MCP_WORKERS": os.environ.get("TIDAL_MCP_WORKERS", str(settings.workers)),
    }


def supervisorctl_command(args: list[str]) -> list[str]:
    """``supervisorctl`` on this stack's config (its socket lives in the data dir)."""
    return [venv_bin("supervisorctl"), "-c", str(STACK_CONFIG / "supervisord.conf"), *args]


def supervisord_command() -> list[str]:
    return [venv_bin("supervisord"), "-c", str(STACK_CONFIG / "supervisord.conf")]
