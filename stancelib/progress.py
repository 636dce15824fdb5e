"""Progress of long work, reported through :mod:`logging`.

The library only logs (logger ``"stancelib"`` and its children, level INFO), so that an
application decides where progress goes; a library that printed would write into its
users' output. The console scripts show it on standard error unless ``--quiet``.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import TextIO

__all__ = ["Progress", "show_progress"]

#: Seconds between two reports: work shorter than this reports nothing.
EVERY_SECONDS = 5.0


class Progress:
    """Log ``"<what>: <done> of <total>"`` at most every :data:`EVERY_SECONDS` seconds.

    Parameters
    ----------
    logger : logging.Logger
        Where the reports go, at level INFO.
    what : str
        What is counted, e.g. ``"encoder: sentences"``.
    total : int
        How many there are in all.
    """

    def __init__(self, logger: logging.Logger, what: str, total: int) -> None:
        self.logger = logger
        self.what = what
        self.total = total
        self._last = time.monotonic()

    def update(self, done: int) -> None:
        """Report that `done` of the total are done, if the last report is old enough."""
        now = time.monotonic()
        if done and now - self._last >= EVERY_SECONDS:
            self._last = now
            self.logger.info("%s: %s of %s", self.what, f"{done:,}", f"{self.total:,}")


class _ProgressHandler(logging.Handler):
    """Writes each report to `stream`, or to whatever ``sys.stderr`` is when it comes (not
    when the handler was made: a test, or an application, may swap it)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__()
        self.stream = stream
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        stream = self.stream if self.stream is not None else sys.stderr
        try:
            stream.write(self.format(record) + "\n")
            stream.flush()
        except Exception:
            self.handleError(record)


def show_progress(stream: TextIO | None = None) -> logging.Handler:
    """Show stancelib's progress reports on `stream` (standard error by default).

    For applications and scripts; calling it again adds no second handler.

    Parameters
    ----------
    stream : file-like, optional
        Where to write; by default whatever ``sys.stderr`` is at each report.

    Returns
    -------
    logging.Handler
        The handler attached to the ``"stancelib"`` logger.
    """
    logger = logging.getLogger("stancelib")
    for handler in logger.handlers:
        if isinstance(handler, _ProgressHandler):
            return handler
    handler = _ProgressHandler(stream)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return handler
