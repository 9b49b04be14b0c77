"""Running one external check (node) to completion, never leaving it behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Outcome:
    """What a finished command left: exit code, its output, and how long it took."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float


def run_command(command: Sequence[str], env: Mapping[str, str], cwd: Path, timeout: float) -> Outcome:
    """Run ``command`` in its own process group and return its :class:`Outcome`.

    On a timeout, Ctrl-C or any other error the whole group is killed before the error propagates.
    """
    started = time.monotonic()
    proc = subprocess.Popen(
        list(command),
        env=dict(env),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        stdout, stderr = proc.communicate()
        raise RuntimeError(
            f"{command[1] if len(command) > 1 else command[0]} did not finish in {timeout:g} s:\n"
            f"{stdout[-2000:]}{stderr[-2000:]}"
        ) from None
    except BaseException:
        _kill_group(proc)
        raise
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # anything the command left running in its group
    return Outcome(proc.returncode, stdout, stderr, time.monotonic() - started)


def _kill_group(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
