"""``make demo``: the whole stack against the bundled TIDAL emulator, logged in unattended.

The demo never touches a real installation, whatever the shell exports: it runs on its own Redis
(the bundled one, its own password), its own data dir (``TIDAL_MCP_DEMO_DATA_DIR``, default
``<default data dir>/demo``), its own encrypted keyring file and password, and its own ports - each
one a ``TIDAL_MCP_DEMO_*`` variable (:data:`PORTS`). A port already in use stops it with one line
naming the variable to change.

It starts the emulator (``python -m tidal_mcp_emulator --auto-approve``; the checkout's ``tests/fake_tidal``), logs
in through the real device flow, runs the same honcho stack as ``make run``, and - once the stack
answers healthy - prints how to connect, example calls with ids of the demo's catalog, and the
command that watches it: ``tidal-mcp status --demo``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import requests

from mcp_front.examples import EXAMPLE_ALBUM_ID, EXAMPLE_TRACK_ID
from shared.datadir import private_dir
from shared.ops.launch import honcho_command, stack_environment
from shared.settings import Settings, default_data_dir
from shared.tokens import TokenStore

DEMO_KEYRING_PASSWORD = "tidal-mcp-demo"
#: The TIDAL emulator's importable name: the package ships ``tests/fake_tidal`` under it (setup.py).
EMULATOR = "tidal_mcp_emulator"
# variable -> (default port, what listens there)
PORTS = {
    "TIDAL_MCP_DEMO_PORT": (8010, "the demo's MCP front"),
    "TIDAL_MCP_DEMO_DASHBOARD_PORT": (9190, "the demo's rq-dashboard"),
    "TIDAL_MCP_DEMO_REDIS_PORT": (6380, "the demo's Redis"),
    "TIDAL_MCP_DEMO_EMULATOR_PORT": (8100, "the TIDAL emulator"),
}
READY_TIMEOUT = 120


class DemoError(RuntimeError):
    """The demo cannot start; the message is one line saying what to change."""


def demo_ports(env: Mapping[str, str] | None = None) -> dict[str, int]:
    env = os.environ if env is None else env
    ports = {}
    for name, (default, _what) in PORTS.items():
        raw = env.get(name, "")
        try:
            ports[name] = int(raw) if raw.strip() else default
        except ValueError:
            raise DemoError(f"{name} must be a port number (got {raw!r})") from None
    return ports


def demo_environment(workers: int | None = None) -> dict[str, str]:
    """The demo's own environment: nothing of the caller's TIDAL/Redis settings leaks in."""
    ports = demo_ports()
    data_dir = Path(os.environ.get("TIDAL_MCP_DEMO_DATA_DIR") or default_data_dir() / "demo").resolve()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIDAL_", "REDIS_", "PROMETHEUS_"))}
    env.update(
        REDIS_URL=f"redis://127.0.0.1:{ports['TIDAL_MCP_DEMO_REDIS_PORT']}/0",
        TIDAL_MCP_DATA_DIR=str(data_dir),
        TIDAL_MCP_HOST="127.0.0.1",
        TIDAL_MCP_PORT=str(ports["TIDAL_MCP_DEMO_PORT"]),
        TIDAL_MCP_DASHBOARD_PORT=str(ports["TIDAL_MCP_DEMO_DASHBOARD_PORT"]),
        TIDAL_MCP_KEYRING_FILE=str(data_dir / "keyring.cfg"),
        TIDAL_MCP_KEYRING_PASSWORD=DEMO_KEYRING_PASSWORD,
        TIDAL_MCP_WORKERS=str(workers or 2),
        TIDAL_BASE_URL=f"http://127.0.0.1:{ports['TIDAL_MCP_DEMO_EMULATOR_PORT']}",
    )
    return env


def _check_ports_free(ports: dict[str, int]) -> None:
    for name, port in ports.items():
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                raise DemoError(f"port {port} ({PORTS[name][1]}) is in use; set {name} to a free port") from None


def start_emulator(port: int, log: Path) -> subprocess.Popen[str]:
    """Start the emulator (shipped in the package as :data:`EMULATOR`), its stderr to ``log``; return it once
    it listens."""
    with log.open("wb") as errors:
        proc = subprocess.Popen(
            [sys.executable, "-m", EMULATOR, "--port", str(port), "--auto-approve"],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            start_new_session=True,  # Ctrl-C reaches the demo alone, which stops everything in order
        )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # "fake-tidal listening on http://127.0.0.1:PORT"
    if "listening on" not in line:
        proc.kill()
        proc.wait(10)
        said = [text for text in log.read_text(errors="replace").splitlines() if text.strip()]
        if any("address already in use" in text.lower() for text in said):
            raise DemoError(
                f"the TIDAL emulator could not listen on port {port}; set TIDAL_MCP_DEMO_EMULATOR_PORT to a free port"
            )
        raise DemoError(
            f"the TIDAL emulator did not start: {said[-1] if said else 'it printed nothing'} (its log: {log})"
        )
    return proc


def run_demo(*, workers: int | None, say: Callable[[str], None]) -> int:
    """Run the demo in the foreground until Ctrl-C (see module docstring)."""
    from shared.ops.login import device_login

    env = demo_environment(workers)
    _check_ports_free(demo_ports())
    settings = Settings.from_env(env)
    emulator = start_emulator(
        demo_ports()["TIDAL_MCP_DEMO_EMULATOR_PORT"], private_dir(settings.data_dir / "logs") / "emulator.log"
    )
    try:
        say(
            f"TIDAL emulator: {env['TIDAL_BASE_URL']} (a seeded catalog; control API at "
            f"{env['TIDAL_BASE_URL']}/_control/catalog)"
        )
        login = device_login(
            settings, show=lambda link: say(f"Logging in unattended via {link.verification_uri_complete}")
        )
        TokenStore.from_settings(settings).save(login)
        say(f"Logged in to the emulator as user {login.user_id}. Starting the stack ...")
        stack_env = stack_environment(settings, workers, base_env=env)
        return _run_until_stopped(honcho_command(stack_env), stack_env, settings, say)
    finally:
        emulator.terminate()
        emulator.wait(10)


def _run_until_stopped(command: list[str], env: dict[str, str], settings: Settings, say: Callable[[str], None]) -> int:
    """Run honcho; print the help once healthy; on SIGTERM/SIGINT let honcho stop the stack in order."""
    honcho = subprocess.Popen(command, env=env, start_new_session=True)  # signals come from us, once

    def forward(signum: int, _frame: object) -> None:
        if honcho.poll() is None:
            honcho.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        if _healthy(settings, honcho):
            _print_connection_help(settings, say)
        return honcho.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _healthy(settings: Settings, honcho: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT
    url = f"http://127.0.0.1:{settings.port}/health"
    while honcho.poll() is None and time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).json().get("status") == "ok":
                return True
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.5)  # polling the stack's health while it starts
    return False


def _print_connection_help(settings: Settings, say: Callable[[str], None]) -> None:
    exe = Path(sys.executable).parent / "tidal-mcp"
    url = f"http://127.0.0.1:{settings.port}/mcp"
    say("")
    say(f"The demo is up. MCP endpoint (streamable HTTP): {url}")
    say(f"  MCP Inspector:  npx @modelcontextprotocol/inspector --cli {url} --method tools/list")
    say(
        f"  a call:         npx @modelcontextprotocol/inspector --cli {url} --method tools/call "
        f"--tool-name tidal_get_track --tool-arg track_id={EXAMPLE_TRACK_ID}"
    )
    say("  Claude Desktop (HTTP): add to claude_desktop_config.json")
    say(f'    {{"mcpServers": {{"tidal": {{"command": "npx", "args": ["mcp-remote", "{url}"]}}}}}}')
    say("  Claude Desktop (stdio, same workers and cache):")
    say(
        f'    {{"mcpServers": {{"tidal": {{"command": "{exe}", "args": ["front", "--stdio"], "env": '
        f'{{"TIDAL_MCP_DATA_DIR": "{settings.data_dir}", "REDIS_URL": "redis://127.0.0.1:'
        f'{settings.redis_url.rsplit(":", 1)[-1]}"}}}}}}}}'
    )
    say(f"  example ids in the demo's catalog: track {EXAMPLE_TRACK_ID}, album {EXAMPLE_ALBUM_ID}")
    say(
        f"Watch it: {exe} status --demo   (health: http://127.0.0.1:{settings.port}/health, "
        f"rq-dashboard: http://127.0.0.1:{settings.dashboard_port})"
    )
    say("Stop with Ctrl-C.")
    say("")
