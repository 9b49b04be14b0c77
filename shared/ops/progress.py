"""Progress of a long operator command, shown on a terminal only.

On a TTY the line is rewritten in place (``\\r``) at most ten times a second and ended with a newline;
anywhere else (a pipe, a log, ``--json`` consumers) nothing is written, so output stays parseable.

Example::

    progress = Progress("deleting track entries", total=len(keys))
    for batch in batches:
        ...
        progress.advance(len(batch))
    progress.done()
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

MIN_INTERVAL = 0.1


class Progress:
    """A ``label: done/total`` line on ``stream`` (stderr), only when it is a terminal."""

    def __init__(self, label: str, total: int | None = None, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = total
        self.count = 0
        self.stream = stream if stream is not None else sys.stderr
        self.shown = self.stream.isatty()
        self._last = 0.0

    def advance(self, step: int = 1) -> None:
        self.count += step
        now = time.monotonic()
        if self.shown and (now - self._last >= MIN_INTERVAL or self.count == self.total):
            self._last = now
            self._write()

    def done(self) -> None:
        if self.shown:
            self._write()
            self.stream.write("\n")
            self.stream.flush()

    def _write(self) -> None:
        of = f"/{self.total}" if self.total is not None else ""
        self.stream.write(f"\r{self.label}: {self.count}{of}")
        self.stream.flush()
