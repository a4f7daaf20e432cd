"""Resident memory of a process (Linux ``/proc``), sampled while a benchmark runs."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path


def rss_mib(pid: int) -> float:
    """Resident set size of ``pid`` in MiB (nan if it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    line = next((ln for ln in status.splitlines() if ln.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) / 1024


def children(pid: int) -> int:
    """How many processes ``pid`` has forked that are still there."""
    count = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        count += fields[1] == str(pid)
    return count


class Sampler:
    """Samples a process's RSS (and its live children) every ``interval`` seconds in the event loop."""

    def __init__(self, pid: int, interval: float) -> None:
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, float, int]] = []  # (seconds since start, MiB, children)
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        started = time.monotonic()
        while True:
            self.samples.append((time.monotonic() - started, rss_mib(self.pid), children(self.pid)))
            await asyncio.sleep(self.interval)

    def __enter__(self) -> Sampler:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
        self.samples.append((self.samples[-1][0] if self.samples else 0.0, rss_mib(self.pid),
                             children(self.pid)))

    def peak(self) -> float:
        """The highest RSS sampled, MiB."""
        return max((mib for _, mib, _ in self.samples), default=float("nan"))
