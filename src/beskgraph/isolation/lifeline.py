"""A helper process dies with its owner and obeys signals like any process.

A forked child inherits its parent's Python signal handlers (a server's SIGTERM
handler only sets a flag, so the child ignored SIGTERM) and, on its own, outlives a
parent killed with SIGKILL or by the OOM killer. :func:`become_worker` undoes both:

- ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` (Linux): the kernel kills the child when the
  *thread* that forked it ends (so fork from a thread that outlives the child); if the
  parent already died before that call (the child was re-parented), it exits at once;
- default actions for every signal a server or a terminal sends (SIGTERM, SIGINT,
  SIGHUP, SIGQUIT, SIGPIPE) and no blocked signals;
- a backstop: SIGALRM with its default action (the process ends) after ``seconds``,
  in case the owner is alive but stuck, or gone on a system without PR_SET_PDEATHSIG;
- a name (``comm``) that ``ps`` and tests can find it by.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Iterable

PR_SET_PDEATHSIG = 1
PR_SET_NAME = 15
RESET_SIGNALS = (
    signal.SIGTERM,
    signal.SIGINT,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGPIPE,
    signal.SIGALRM,
    signal.SIGCHLD,
    signal.SIGUSR1,
    signal.SIGUSR2,
)


def _prctl(option: int, value: int | bytes) -> bool:
    """``prctl(option, value)``; False where there is no prctl (not Linux) or it fails."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    arg = ctypes.c_char_p(value) if isinstance(value, bytes) else ctypes.c_ulong(value)
    return libc.prctl(option, arg, 0, 0, 0) == 0


def die_with_parent(parent_pid: int) -> None:
    """SIGKILL this process when its parent ends; exit now if the parent is not ``parent_pid``."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:
        os._exit(1)


def default_signals() -> None:
    """Default actions for the signals of :data:`RESET_SIGNALS`; none blocked."""
    for sig in RESET_SIGNALS:
        signal.signal(sig, signal.SIG_DFL)
    signal.set_wakeup_fd(-1)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


def backstop(seconds: float) -> None:
    """End this process (SIGALRM, default action) ``seconds`` from now, whatever it is doing."""
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))


def close_fds_except(keep: Iterable[int]) -> None:
    """Close every inherited descriptor above stderr but ``keep`` (sockets, the store's files)."""
    low = 3
    for fd in sorted(set(keep)):
        if fd >= low:
            os.closerange(low, fd)
            low = fd + 1
    os.closerange(low, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 1 << 16)


def bind_to_parent(parent_pid: int) -> None:
    """Die with ``parent_pid`` and take default signal actions (a pool worker's initializer)."""
    die_with_parent(parent_pid)
    default_signals()


def name_process(name: str) -> None:
    """Set this process's ``comm`` (what ps and /proc show; 15 bytes at most)."""
    _prctl(PR_SET_NAME, name.encode()[:15])


def become_worker(parent_pid: int, *, name: str, backstop_seconds: float | None = None) -> None:
    """Everything a freshly forked query process does first (see module doc)."""
    bind_to_parent(parent_pid)
    name_process(name)
    if backstop_seconds is not None:
        backstop(backstop_seconds)


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists (another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
