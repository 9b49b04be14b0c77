"""The worker's heartbeat thread: liveness key, RQ registration, janitor sweeps, hung-job watchdog.

It runs beside the job loop for the life of the worker process, every
:data:`~shared.pool.BEAT_INTERVAL` seconds, whether the worker is idle or busy:

* refreshes the liveness key (:mod:`shared.pool`) and RQ's worker key; after a Redis restart that
  lost them, it registers the worker again, so the front never counts a live pool as empty;
* runs a janitor sweep (:mod:`workers.janitor`) when no other worker holds the sweep lock;
* watches the running job: a job still running :data:`WATCHDOG_GRACE` seconds past its own timeout
  means the timeout could not interrupt it (a hang in C code, a lost signal). The process then exits
  (code 70) so supervisord or the worker pool starts a fresh one, and the janitor requeues the job.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import TYPE_CHECKING

from shared.pool import ALIVE_TTL_MS, BEAT_INTERVAL, RQ_WORKER_TTL
from shared.queueing import IDLE, WORKERS, alive_key
from shared.redis_conn import UNAVAILABLE_ERRORS
from workers.janitor import Janitor

if TYPE_CHECKING:
    from workers.worker import TidalWorker

log = logging.getLogger(__name__)

WATCHDOG_GRACE = 30.0
HUNG_EXIT_CODE = 70


class Liveness(threading.Thread):
    """See module docstring. ``Liveness(worker).start()`` once the worker is bootstrapped."""

    def __init__(self, worker: TidalWorker, interval: float = BEAT_INTERVAL) -> None:
        super().__init__(name="liveness", daemon=True)
        self.worker = worker
        self.interval = interval
        self.janitor = Janitor(worker.connection, worker.scripts, worker.name)
        self._stop_event = threading.Event()
        self._failing_since: float | None = None

    def stop(self) -> None:
        self._stop_event.set()

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            try:
                self.beat()
                if self._failing_since is not None:
                    log.info("Redis answers again", extra={"after_s": round(time.monotonic() - self._failing_since, 1)})
                    self._failing_since = None
            except UNAVAILABLE_ERRORS as exc:
                if self._failing_since is None:
                    self._failing_since = time.monotonic()
                    log.warning("liveness beat failed: Redis unreachable", extra={"error": type(exc).__name__})
            except Exception:
                log.exception("liveness beat failed")
            self._watchdog()

    def beat(self) -> None:
        """One heartbeat (also called directly at start, before the first job)."""
        worker = self.worker
        client = worker.connection
        name = worker.name
        pipe = client.pipeline(transaction=False)
        pipe.pexpire(alive_key(name), ALIVE_TTL_MS)
        pipe.sadd(WORKERS, name)
        pipe.expire(worker.key, RQ_WORKER_TTL)
        refreshed, _, registered = pipe.execute()
        if not refreshed:  # expired (a long pause) or lost with a Redis restart
            client.set(alive_key(name), worker.current_job_id or IDLE, px=ALIVE_TTL_MS, nx=True)
        if not registered:
            log.warning("re-registering with RQ (its registration was lost)", extra={"worker": name})
            worker.register_birth()
        self.janitor.sweep()

    def _watchdog(self) -> None:
        started, timeout = self.worker.running_since, self.worker.running_timeout
        if started is None or timeout is None:
            return
        overdue = time.monotonic() - started - timeout
        if overdue > WATCHDOG_GRACE:
            log.critical(
                "a job outlived its timeout and could not be interrupted; restarting the worker",
                extra={"job_id": self.worker.current_job_id, "timeout_s": timeout},
            )
            os._exit(HUNG_EXIT_CODE)
