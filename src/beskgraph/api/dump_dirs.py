"""Private directories (for dump files, and for the checkpoints of an on-disk store): named
after the process that made them, removed when it ends.

A directory is ``<prefix><pid>-<random>`` (for dumps ``beskgraph-dumps-<pid>-<random>``) and
goes at exit (the server ends normally on SIGTERM and SIGINT). One whose process is gone
without exiting (SIGKILL, the OOM killer, a crash) is removed by the next server that makes
its own beside it; those of a running process, another server's, are left alone. What
tells them apart is a shared ``flock`` each process holds on its directories while it runs
(its forked children with it), not its pid: a server in another PID namespace (another
container on a shared volume) cannot be seen from here, and a server that ran as pid 1 in
a container would always look alive. A directory is made under a temporary name, locked,
then renamed to its own, so no sweep sees it unlocked.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from pathlib import Path

PREFIX = "beskgraph-dumps-"
_HELD: dict[Path, int] = {}  # this process's directories: their locked descriptors


def private_dump_dir(parent: str | os.PathLike[str] | None, *, remove_at_exit: bool = True) -> Path:
    """A new private directory in ``parent`` (default: the temporary directory), after the
    stale ones there are swept; removed at this process's exit unless told otherwise."""
    root = Path(parent) if parent is not None else Path(tempfile.gettempdir())
    root.mkdir(parents=True, exist_ok=True)
    return private_dir(root, PREFIX, remove_at_exit=remove_at_exit)


def private_dir(root: Path, prefix: str, *, remove_at_exit: bool = True) -> Path:
    """A new directory ``<prefix><pid>-<random>`` in ``root``, after the stale ones there are swept."""
    sweep_stale(root, prefix)
    making = Path(tempfile.mkdtemp(prefix=f".making-{prefix}", dir=root))
    handle = os.open(making, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(handle, fcntl.LOCK_SH)  # held until this process and its children end
    path = root / f"{prefix}{os.getpid()}-{making.name.removeprefix(f'.making-{prefix}')}"
    os.rename(making, path)  # the same directory, locked, under its name
    _HELD[path] = handle
    if remove_at_exit:
        atexit.register(remove, path, os.getpid())
    return path


def sweep_stale(root: Path, prefix: str = PREFIX) -> list[Path]:
    """Remove the directories in ``root`` whose process has ended (none holds its lock); returns them."""
    removed = []
    for making in root.glob(f".making-{prefix}*"):  # left by a process killed while it made one
        with contextlib.suppress(OSError):
            if time.time() - making.stat().st_mtime > 60 and not _held(making):
                shutil.rmtree(making, ignore_errors=True)
    for folder in root.glob(prefix + "*"):
        pid = owner(folder, prefix)
        if pid is None or folder.is_symlink() or not folder.is_dir():
            continue
        if not _held(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _held(folder: Path) -> bool:
    """Whether a process (here or in another PID namespace) holds the directory's lock."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(handle)
    return False


def owner(folder: Path, prefix: str = PREFIX) -> int | None:
    """The process id a private directory is named after (None for another name)."""
    pid, _, _ = folder.name.removeprefix(prefix).partition("-")
    return int(pid) if folder.name.startswith(prefix) and pid.isdigit() else None


def remove(path: Path, pid: int | None = None) -> None:
    """Remove ``path`` unless this is not process ``pid`` (a forked child that inherited a hook)."""
    if pid is None or os.getpid() == pid:
        with contextlib.suppress(OSError):
            shutil.rmtree(path)
        if (handle := _HELD.pop(path, None)) is not None:
            os.close(handle)
