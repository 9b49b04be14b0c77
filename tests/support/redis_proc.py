"""A redis-server the tests own: started on a free port (retrying if another process took the port
between the pick and the bind), stopped cleanly or killed, and restarted on the same port and data.
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path
from urllib.parse import quote

from shared.ops import redis_server
from shared.redis_conn import connect, ping
from tests.support.processes import free_port, wait_until

START_ATTEMPTS = 5


class RedisProcess:
    """``RedisProcess(data_dir, persist=True).start()``; ``url`` is ``redis://127.0.0.1:PORT`` (with
    ``password``: ``redis://:PASSWORD@127.0.0.1:PORT``, and the server requires it)."""

    def __init__(self, data_dir: Path, *, persist: bool, password: str | None = None) -> None:
        self.data_dir = data_dir
        self.persist = persist
        self.password = password
        self.port: int | None = None
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return self._url(self.port)

    def _url(self, port: int | None) -> str:
        auth = f":{quote(self.password, safe='')}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{port}"

    def start(self) -> RedisProcess:
        """Start on a fresh port (first start) or on the same port again (restart)."""
        restarting = self.port is not None
        for _attempt in range(1 if restarting else START_ATTEMPTS):
            port = self.port if restarting else free_port()
            proc = redis_server.start("127.0.0.1", port, self.data_dir, persist=self.persist, password=self.password)
            client = connect(f"{self._url(port)}/0")
            wait_until(lambda c=client, p=proc: ping(c) or p.poll() is not None, 30, "redis-server did not start")
            if proc.poll() is None:
                self.port, self.proc = port, proc
                return self
            error = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            if restarting or "Address already in use" not in error:
                raise RuntimeError(f"redis-server exited: {error}")
            # another process took the port between the pick and the bind: pick another
        raise RuntimeError(f"redis-server found no free port in {START_ATTEMPTS} attempts")

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        """SIGTERM (a clean shutdown that saves) or SIGKILL; waits until the process is gone."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def restart(self, sig: signal.Signals = signal.SIGTERM) -> None:
        self.stop(sig)
        self.start()

    def close(self) -> None:
        self.stop(signal.SIGKILL)
