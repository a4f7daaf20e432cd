"""Private directories (for dump files, and for the checkpoints of an on-disk store): named
after the process that made them, removed when it ends.

A directory is ``<prefix><pid>-<random>`` (for dumps ``beskgraph-dumps-<pid>-<random>``) and
goes at exit (the server ends normally on SIGTERM and SIGINT). One whose process is gone
without exiting (SIGKILL, the OOM killer, a crash) is removed by the next server that makes
its own beside it; those of a live process, another server's, are left alone.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from beskgraph.isolation.lifeline import alive

PREFIX = "beskgraph-dumps-"


def private_dump_dir(parent: str | os.PathLike[str] | None, *, remove_at_exit: bool = True) -> Path:
    """A new private directory in ``parent`` (default: the temporary directory), after the
    stale ones there are swept; removed at this process's exit unless told otherwise."""
    root = Path(parent) if parent is not None else Path(tempfile.gettempdir())
    root.mkdir(parents=True, exist_ok=True)
    return private_dir(root, PREFIX, remove_at_exit=remove_at_exit)


def private_dir(root: Path, prefix: str, *, remove_at_exit: bool = True) -> Path:
    """A new directory ``<prefix><pid>-<random>`` in ``root``, after the stale ones there are swept."""
    sweep_stale(root, prefix)
    path = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=root))
    if remove_at_exit:
        atexit.register(remove, path, os.getpid())
    return path


def sweep_stale(root: Path, prefix: str = PREFIX) -> list[Path]:
    """Remove the directories in ``root`` made by a process that has ended; returns them."""
    removed = []
    for folder in root.glob(prefix + "*"):
        pid = owner(folder, prefix)
        if pid is not None and not alive(pid) and folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def owner(folder: Path, prefix: str = PREFIX) -> int | None:
    """The process id a private directory is named after (None for another name)."""
    pid, _, _ = folder.name.removeprefix(prefix).partition("-")
    return int(pid) if folder.name.startswith(prefix) and pid.isdigit() else None


def remove(path: Path, pid: int | None = None) -> None:
    """Remove ``path`` unless this is not process ``pid`` (a forked child that inherited a hook)."""
    if pid is None or os.getpid() == pid:
        with contextlib.suppress(OSError):
            shutil.rmtree(path)
