"""Dead processes' multiprocess metric files are folded into archives; totals and scrapes stay the same."""

from __future__ import annotations

import os
import subprocess
import sys

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from shared.metrics_reaper import reap

WRITER = """
from prometheus_client import Counter, Gauge, Histogram
calls = Counter("t_calls", "calls", ["tool"])
calls.labels(tool="a").inc({n})
calls.labels(tool="b").inc(1)
Histogram("t_seconds", "seconds").observe(0.2)
Gauge("t_waits", "waits", multiprocess_mode="livesum").set(5)
"""


def _scrape(directory: str) -> dict[str, float]:
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)
    values = {}
    for line in generate_latest(registry).decode().splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


def _run_writer(directory: str, n: int) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": directory}
    subprocess.run([sys.executable, "-c", WRITER.format(n=n)], env=env, check=True)


def test_dead_processes_fold_into_one_archive_per_type_with_the_same_totals(tmp_path):
    directory = str(tmp_path)
    for n in (1, 2, 3):
        _run_writer(directory, n)  # three processes that have exited
    before = _scrape(directory)
    assert len(list(tmp_path.glob("counter_*.db"))) == 3 and before['t_calls_total{tool="a"}'] == 6
    assert before["t_waits"] == 15, "a dead process's live gauge still counts until reaped"

    assert reap(directory) == 9
    after = _scrape(directory)
    assert sorted(p.name for p in tmp_path.glob("*.db")) == ["counter_archive.db", "histogram_archive.db"]
    assert {k: v for k, v in after.items() if not k.startswith("t_waits")} == {
        k: v for k, v in before.items() if not k.startswith("t_waits")
    }
    assert "t_waits" not in after or after["t_waits"] == 0

    _run_writer(directory, 10)
    assert reap(directory) == 3
    assert _scrape(directory)['t_calls_total{tool="a"}'] == 16, "a second reap adds to the archive"


def test_a_live_process_files_are_left_alone(tmp_path):
    live = tmp_path / f"counter_{os.getpid()}.db"
    _run_writer(str(tmp_path), 1)
    dead = next(tmp_path.glob("counter_*.db"))
    dead.rename(live)  # now it belongs to a process that is alive: this one
    assert reap(str(tmp_path)) == 2  # the dead writer's histogram and gauge, not the live counter file
    assert live.exists()
