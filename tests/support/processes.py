"""Living processes from /proc (Linux): descendants of a process, members of a process group; stopping one."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class Proc:
    pid: int
    name: str  # comm, e.g. "bg-query" for a query process
    state: str
    ppid: int
    pgid: int


def processes() -> list[Proc]:
    """Every process that has not ended (zombies, which run nothing, left out)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                text = stat.read()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        state, ppid, pgid = text[text.rindex(")") + 2 :].split()[:3]
        if state not in ("Z", "X"):
            found.append(Proc(int(entry), name, state, int(ppid), int(pgid)))
    return found


def descendants(root: int, name: str | None = None) -> list[Proc]:
    """Living descendants of ``root`` (called ``name``, if given)."""
    every = processes()
    children: dict[int, list[Proc]] = {}
    for proc in every:
        children.setdefault(proc.ppid, []).append(proc)
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child.pid)
    return [p for p in found if name is None or p.name == name]


def group(pgid: int) -> list[Proc]:
    """Living members of process group ``pgid``."""
    return [p for p in processes() if p.pgid == pgid]


def stop(proc: subprocess.Popen, grace: float = 10) -> None:
    """SIGTERM, and SIGKILL if ``proc`` has not ended within ``grace`` seconds; reaped either way."""
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
