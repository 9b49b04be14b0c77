"""Reaping the multiprocess metric files of dead processes, so a scrape does not grow with restarts.

prometheus-client's multiprocess mode leaves one file per process and metric type
(``counter_<pid>.db``, ``histogram_<pid>.db``, ``gauge_livesum_<pid>.db`` ...). Workers restart every
``TIDAL_MCP_MAX_JOBS`` jobs and supervisord restarts crashed ones, so files pile up and every scrape
reads them all. :func:`reap` (run as each front and worker starts) folds each dead process's counter
and histogram values into one ``<type>_archive.db`` per type (totals stay exactly the same) and deletes
its live-gauge files (a dead process is no longer "live"). Scrapes take the same lock, shared, so one
never sees a file both archived and still present.

Example::

    reap("/run/tidal-mcp/prometheus")   # -> number of dead processes' files folded away
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from prometheus_client.mmap_dict import MmapedDict

log = logging.getLogger(__name__)

ARCHIVE = "archive"
LOCK_FILE = ".reap.lock"
_ADDITIVE = ("counter", "histogram", "summary")


@contextlib.contextmanager
def locked(directory: str | os.PathLike[str], shared: bool) -> Iterator[None]:
    """Hold the reap lock of ``directory`` (shared for a scrape, exclusive for a reap)."""
    with open(Path(directory) / LOCK_FILE, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _dead_files(directory: Path) -> list[tuple[Path, str]]:
    """``(file, type prefix)`` of every metric file whose process is gone."""
    found = []
    for path in directory.glob("*.db"):
        prefix, _, pid = path.name[:-3].rpartition("_")
        if pid.isdigit() and not _alive(int(pid)):
            found.append((path, prefix))
    return found


def _fold(archive: Path, dead: list[Path]) -> None:
    """Add every value of ``dead`` to ``archive``, written aside and swapped in whole."""
    staging = archive.with_name(archive.name + ".tmp")
    staging.unlink(missing_ok=True)
    merged = MmapedDict(str(staging))
    try:
        for source in ([archive] if archive.exists() else []) + dead:
            for key, value, timestamp, _ in MmapedDict.read_all_values_from_file(str(source)):
                current, _ = merged.read_value(key)
                merged.write_value(key, current + value, timestamp)
    finally:
        merged.close()
    os.replace(staging, archive)


def reap(directory: str | os.PathLike[str] | None = None) -> int:
    """Fold the files of dead processes in ``directory`` (default ``PROMETHEUS_MULTIPROC_DIR``) away."""
    directory = directory or os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory or not Path(directory).is_dir():
        return 0
    root = Path(directory)
    with locked(root, shared=False):
        dead = _dead_files(root)
        by_type: dict[str, list[Path]] = {}
        for path, prefix in dead:
            if prefix in _ADDITIVE:
                by_type.setdefault(prefix, []).append(path)
            elif prefix.startswith("gauge_live"):
                path.unlink(missing_ok=True)
        for prefix, paths in by_type.items():
            _fold(root / f"{prefix}_{ARCHIVE}.db", paths)
            for path in paths:
                path.unlink(missing_ok=True)
    if dead:
        log.info("metric files of dead processes folded away", extra={"files": len(dead)})
    return len(dead)


def reap_at_start() -> None:
    """What a front or worker runs as it starts: fold away the metric files of processes that died
    before it (never fatal), then create its own known series at zero (:func:`shared.metrics.prime`)."""
    from shared.metrics import prime

    try:
        reap()
    except (OSError, ValueError) as exc:
        log.warning("could not reap metric files", extra={"error": repr(exc)})
    prime()
