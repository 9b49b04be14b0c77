"""``make demo``: the whole stack against the bundled TIDAL emulator, logged in unattended.

It starts the emulator (``python -m tests.fake_tidal --auto-approve``, from a repo checkout), logs
in through the real device flow into an encrypted keyring file under ``.run/demo``, prints how to
point an MCP client at the front, and then runs the same honcho stack as ``make run``. The demo
uses its own Redis (port 6380) and data folder, so emulator data never mixes with a real cache.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from shared.ops.launch import ROOT, honcho_command, stack_environment
from shared.settings import Settings
from shared.tokens import TokenStore

DEMO_REDIS_URL = "redis://127.0.0.1:6380/0"
DEMO_KEYRING_PASSWORD = "tidal-mcp-demo"


def start_emulator(port: int) -> tuple[subprocess.Popen[str], str]:
    """Start the emulator from the checkout and return it with its base URL once it listens."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_tidal", "--port", str(port), "--auto-approve"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # "fake-tidal listening on http://127.0.0.1:PORT"
    if "listening on" not in line:
        proc.kill()
        raise RuntimeError(f"the TIDAL emulator did not start (port {port} busy?): {line.strip()!r}")
    return proc, line.strip().rsplit(" ", 1)[-1]


def run_demo(
    settings: Settings,
    *,
    emulator_port: int,
    workers: int | None,
    say: Callable[[str], None],
) -> int:
    from shared.ops.login import device_login

    data_dir = settings.data_dir / "demo"
    data_dir.mkdir(parents=True, exist_ok=True)
    emulator, base_url = start_emulator(emulator_port)
    try:
        demo = dataclasses.replace(
            settings,
            tidal_base_url=base_url,
            redis_url=os.environ.get("REDIS_URL") or DEMO_REDIS_URL,
            data_dir=data_dir,
            keyring_file=settings.keyring_file or (data_dir / "keyring.cfg").resolve(),
            keyring_password=settings.keyring_password or DEMO_KEYRING_PASSWORD,
        )
        say(f"TIDAL emulator: {base_url} (seeded catalog; control API at {base_url}/_control/catalog)")
        login = device_login(demo, show=lambda link: say(f"Logging in unattended via {link.verification_uri_complete}"))
        TokenStore.from_settings(demo).save(login)
        say(f"Logged in to the emulator as user {login.user_id}.")
        env = stack_environment(demo, workers)
        env.update(
            TIDAL_BASE_URL=base_url,
            REDIS_URL=demo.redis_url,
            TIDAL_MCP_KEYRING_FILE=str(demo.keyring_file),
            TIDAL_MCP_KEYRING_PASSWORD=str(demo.keyring_password),
        )
        _print_connection_help(demo, say)
        return _run_until_stopped(honcho_command(env), env)
    finally:
        emulator.terminate()
        emulator.wait(10)


def _run_until_stopped(command: list[str], env: dict[str, str]) -> int:
    """Run honcho; on SIGTERM/SIGINT let it stop the stack gracefully instead of dying first.

    Without this, a SIGTERM to the demo would end it at once, and whoever sent the signal would
    then see the demo gone while honcho was still stopping (and might kill it half-way, orphaning
    the stack's processes, which honcho runs in their own sessions).
    """
    honcho = subprocess.Popen(command, env=env)

    def forward(signum: int, _frame: object) -> None:
        if honcho.poll() is None:
            honcho.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return honcho.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _print_connection_help(settings: Settings, say: Callable[[str], None]) -> None:
    exe = Path(sys.executable).parent / "tidal-mcp"
    url = f"http://{settings.host}:{settings.port}/mcp"
    say("")
    say(f"MCP endpoint (streamable HTTP): {url}")
    say(f"  MCP Inspector:  npx @modelcontextprotocol/inspector --cli {url} --method tools/list")
    say("  Claude Desktop (HTTP): add to claude_desktop_config.json")
    say(f'    {{"mcpServers": {{"tidal": {{"command": "npx", "args": ["mcp-remote", "{url}"]}}}}}}')
    say("  Claude Desktop (stdio, same workers and cache):")
    say(f'    {{"mcpServers": {{"tidal": {{"command": "{exe}", "args": ["front", "--stdio"], "env": '
        f'{{"REDIS_URL": "{settings.redis_url}"}}}}}}}}')
    say(f"rq-dashboard: http://127.0.0.1:{settings.dashboard_port}   health: http://{settings.host}:{settings.port}/health")
    say("Stop with Ctrl-C.")
    say("")
