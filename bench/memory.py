"""Resident memory, child processes and open files of a process (Linux ``/proc``), sampled
while a benchmark runs."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import NamedTuple


def rss_mib(pid: int) -> float:
    """Resident set size of ``pid`` in MiB (nan if it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    line = next((ln for ln in status.splitlines() if ln.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) / 1024


def tree(pid: int) -> list[int]:
    """``pid`` and its living descendants."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [pid], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def tree_pss_mib(pid: int) -> float:
    """Proportional set size of ``pid`` and its descendants, MiB: pages they share (a store
    forked copy-on-write) are counted once in all, not once per process as RSS would."""
    total = 0
    for member in tree(pid):
        try:
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue
        total += next((int(ln.split()[1]) for ln in rollup.splitlines() if ln.startswith("Pss:")), 0)
    return total / 1024


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user and system) of ``pid`` and its descendants, reaped children included."""
    ticks = 0
    for member in tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        ticks += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


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


def open_files(pid: int) -> int:
    """How many file descriptors ``pid`` has open (-1 if it is gone)."""
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1


class Sample(NamedTuple):
    seconds: float  # since sampling started
    mib: float
    children: int
    files: int


class Sampler:
    """Samples a process every ``interval`` seconds in the event loop: its RSS, or with ``tree``
    the PSS of it and its descendants (a server's workers and query processes)."""

    def __init__(self, pid: int, interval: float, *, tree: bool = False) -> None:
        self.pid, self.interval = pid, interval
        self._memory = tree_pss_mib if tree else rss_mib
        self.samples: list[Sample] = []
        self._task: asyncio.Task[None] | None = None
        self._started = time.monotonic()

    def _sample(self) -> None:
        self.samples.append(
            Sample(
                time.monotonic() - self._started,
                self._memory(self.pid),
                children(self.pid),
                open_files(self.pid),
            )
        )

    async def _run(self) -> None:
        while True:
            self._sample()
            await asyncio.sleep(self.interval)

    def __enter__(self) -> Sampler:
        self._started = time.monotonic()
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
        self._sample()

    def peak(self) -> float:
        """The highest RSS sampled, MiB."""
        return max((sample.mib for sample in self.samples), default=float("nan"))
