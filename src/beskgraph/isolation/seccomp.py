"""A process forbids itself the network: ``socket()`` and ``connect()`` fail with EPERM.

A seccomp filter (Linux, installed with ``prctl(PR_SET_NO_NEW_PRIVS)`` and
``seccomp(SECCOMP_SET_MODE_FILTER, TSYNC)``) answers ``socket``, ``connect`` and
``io_uring_setup`` (which could open sockets without those calls) with EPERM, and
kills the process on a system call of another ABI (x32, 32-bit compat), which could
otherwise step around the filter. It is irreversible and inherited by every thread
and child created afterwards. Whatever a query makes the engine do - SERVICE, a
future feature, a bug - it cannot reach a host. pyoxigraph's SERVICE client then fails
at once with "Operation not permitted" (``SERVICE SILENT`` gives its empty solution).
"""

from __future__ import annotations

import ctypes
import errno
import platform
import socket
import struct
import sys
from dataclasses import dataclass

# <linux/filter.h>, <linux/seccomp.h>, <linux/audit.h>
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_RET_ALLOW, _RET_ERRNO, _RET_KILL_PROCESS = 0x7FFF0000, 0x00050000, 0x80000000
_X32_BIT = 0x40000000
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC = 1, 1


@dataclass(frozen=True)
class _Arch:
    audit: int  # AUDIT_ARCH_* in seccomp_data.arch
    seccomp_nr: int
    forbidden: tuple[int, ...]  # socket, connect, io_uring_setup
    x32: bool  # whether a second ABI shares the architecture number (x86_64's x32)


_ARCHES = {
    "x86_64": _Arch(0xC000003E, 317, (41, 42, 425), x32=True),
    "aarch64": _Arch(0xC00000B7, 277, (198, 203, 425), x32=False),
}


class SandboxUnavailable(Exception):
    """This system cannot forbid a process the network (not Linux, unknown CPU, no seccomp)."""


def _insn(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def _program(arch: _Arch) -> list[bytes]:
    """BPF: foreign ABI -> kill; forbidden call -> EPERM; anything else -> allow."""
    deny = _RET_ERRNO | errno.EPERM
    n = len(arch.forbidden)
    program = [
        _insn(_LD_W_ABS, 4),
        _insn(_JEQ_K, arch.audit, 1, 0),
        _insn(_RET_K, _RET_KILL_PROCESS),
        _insn(_LD_W_ABS, 0),
    ]
    if arch.x32:
        program.append(_insn(_JGE_K, _X32_BIT, n + 1, 0))
    program += [_insn(_JEQ_K, nr, n - i, 0) for i, nr in enumerate(arch.forbidden)]
    return [*program, _insn(_RET_K, _RET_ALLOW), _insn(_RET_K, deny)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def forbid_network() -> None:
    """Install the filter in this process (see module doc); raise SandboxUnavailable if it cannot."""
    arch = _ARCHES.get(platform.machine())
    if not sys.platform.startswith("linux") or arch is None:
        raise SandboxUnavailable(f"no seccomp network filter for {sys.platform}/{platform.machine()}")
    libc = ctypes.CDLL(None, use_errno=True)
    code = b"".join(_program(arch))
    buffer = ctypes.create_string_buffer(code)
    fprog = _SockFprog(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxUnavailable(f"prctl(PR_SET_NO_NEW_PRIVS) failed: errno {ctypes.get_errno()}")
    if (
        libc.syscall(
            arch.seccomp_nr, _SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC, ctypes.byref(fprog)
        )
        != 0
    ):
        raise SandboxUnavailable(f"seccomp(SET_MODE_FILTER) failed: errno {ctypes.get_errno()}")
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except PermissionError:
        return
    raise SandboxUnavailable("the seccomp filter is installed but socket() still works")
