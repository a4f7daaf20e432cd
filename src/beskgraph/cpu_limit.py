"""A limit on the CPU time one document's parse may take (env ``BESKGRAPH_MAX_PARSE_SECONDS``).

A text of a shape some parser reads slowly must not hold the whole build (and a server
that builds before it serves). When the limit passes, :class:`CpuLimitExceeded` is raised
in the parser: a ``BaseException``, so no parser's ``except Exception`` takes it for a
parse error and reads the document another way. The caller leaves the document out.

CPU seconds of the process (``ITIMER_VIRTUAL``), not wall time: a loaded machine does
not make it come sooner. Python delivers the signal between bytecodes, so a parser
inside one long C call (a regular expression) is stopped when that call returns. Only
in a process's main thread, where signals are delivered (the build's workers, a serial
build run from the main thread); elsewhere no limit applies.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

DEFAULT_SECONDS = 300.0  # a 16 MiB letter of plain prose parses in about a minute


class CpuLimitExceeded(BaseException):
    """The parse took more CPU time than it may."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"parsing took over {seconds:g} s of CPU time (BESKGRAPH_MAX_PARSE_SECONDS)")
        self.reason = str(self)


def max_parse_seconds() -> float:
    """The limit (env ``BESKGRAPH_MAX_PARSE_SECONDS``; 0: none)."""
    return float(os.environ.get("BESKGRAPH_MAX_PARSE_SECONDS", DEFAULT_SECONDS))


@contextmanager
def cpu_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`CpuLimitExceeded` in the block once it has used ``seconds`` of CPU."""
    if (
        seconds <= 0
        or threading.current_thread() is not threading.main_thread()
        or not hasattr(signal, "setitimer")
    ):
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise CpuLimitExceeded(seconds)

    previous = signal.signal(signal.SIGVTALRM, expire)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)
