"""Private directories for dump files: named after the process that made them, removed when
it ends.

A directory is ``beskgraph-dumps-<pid>-<random>`` and goes at exit (the server ends
normally on SIGTERM and SIGINT). One whose process is gone without exiting (SIGKILL, the
OOM killer, a crash) is removed by the next server that makes its own beside it.
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
    sweep_stale(root)
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root))
    if remove_at_exit:
        atexit.register(_remove, path, os.getpid())
    return path


def sweep_stale(root: Path) -> list[Path]:
    """Remove the dump directories in ``root`` whose process has ended; returns them."""
    removed = []
    for folder in root.glob(PREFIX + "*"):
        pid = owner(folder)
        if pid is not None and not alive(pid) and folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def owner(folder: Path) -> int | None:
    """The process id a dump directory is named after (None for another name)."""
    pid, _, _ = folder.name.removeprefix(PREFIX).partition("-")
    return int(pid) if folder.name.startswith(PREFIX) and pid.isdigit() else None


def _remove(path: Path, pid: int) -> None:
    if os.getpid() == pid:  # not in a forked child that inherited the hook
        with contextlib.suppress(OSError):
            shutil.rmtree(path)
