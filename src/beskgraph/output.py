"""Writing an output file so that nothing is ever lost: readers see the old file or the new
one, never half of one; the temporary file goes away whatever stops the write (an error,
Ctrl-C, SIGTERM, SIGHUP; a SIGKILL's leftovers are swept by the next write); and the file
gets the permissions the umask gives a new file, like any other tool's output (a file it
replaces keeps its own).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import select
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from .isolation.lifeline import alive

NAME_KEPT = 200  # characters of the output's name in its temporary file's (a name has 255 at most)
SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s)


class Interrupted(BaseException):
    """A signal stopped the write (raised so cleanup runs; exits like the signal would)."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by signal {signal.Signals(signum).name}")
        self.signum = signum


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the file ``path`` names and rename it into place; a
    link to the file stays a link (the file it names is replaced). An output that is not a
    file, a stream or a device (``/dev/stdout``, ``/dev/null``, a FIFO), is written into: a
    rename would replace it with a file."""
    if _is_stream(path):
        with open(path, "wb", buffering=0) as out:
            write_all(out.fileno(), data)
        return
    path = Path(os.path.realpath(path))
    _make_folder(path.parent)
    _sweep(path)
    with _signals_raise():
        handle, temporary = tempfile.mkstemp(prefix=_prefix(path), dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, _mode(path))
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _make_folder(folder: Path) -> None:
    """``folder`` and its parents; a file in the way is named (``-o a.trig/b.trig``)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        in_the_way = next(p for p in (folder, *folder.parents) if p.exists() and not p.is_dir())
        raise NotADirectoryError(errno.ENOTDIR, "a file, not a folder", str(in_the_way)) from None


def write_all(fd: int, data: bytes) -> None:
    """Every byte of ``data`` to descriptor ``fd`` (standard output, say). One write may take
    only part (a pipe, a signal mid-write) or, on a non-blocking descriptor that is full,
    none: under ``PYTHONUNBUFFERED`` ``sys.stdout.buffer`` is the raw file and did that
    silently, so the bytes go out here, written until none is left."""
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:  # non-blocking and full: wait until the reader makes room
            select.select([], [fd], [])


def _mode(path: Path) -> int:
    """The permissions of the file ``path`` replaces (a private output stays private), or
    those the umask gives a new file."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return 0o666 & ~umask()


def umask() -> int:
    """The process's umask (read without changing it where the system allows)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    current = os.umask(0o022)
    os.umask(current)
    return current


def _is_stream(path: Path) -> bool:
    """Whether ``path`` (links followed) exists and is something other than a regular file."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False


def _prefix(path: Path) -> str:
    return f".{path.name[:NAME_KEPT]}.{os.getpid()}.tmp-"


def _sweep(path: Path) -> None:
    """Remove temporary files of earlier writes of ``path`` whose process is gone."""
    pattern = re.compile(rf"^\.{re.escape(path.name[:NAME_KEPT])}\.(\d+)\.tmp-")
    for stray in path.parent.iterdir():
        match = pattern.match(stray.name)
        if match and not alive(int(match.group(1))):
            stray.unlink(missing_ok=True)


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """While writing, SIGTERM and SIGHUP raise :class:`Interrupted` (the main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signum)

    previous = {s: signal.signal(s, stop) for s in SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
