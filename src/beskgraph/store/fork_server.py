"""A clean process to fork query processes from, for stores that do not survive fork.

A forked copy of a process with an open RocksDB hangs on RocksDB's internal locks, so
the on-disk store's query processes are forked from this small helper instead: it
starts once (a new interpreter running :func:`main`, modules preloaded), holds no
store, and forks one child per request. multiprocessing's fork server would do, but
on Python 3.11 every child it forks imports the main script again (its preload of
``__main__`` never happens), which cost 200-500 ms per query under ``server.py``.

Protocol, over a UNIX socket pair: the server sends a pickled ``(function, args)`` and
the two write ends of a query's pipes; the fork server forks a child that runs
``function(*args, data_fd, meta_fd, fork_server_pid)`` and answers with the child's
pidfd (to kill it, race-free) and the read end of a status pipe on which it writes the
child's exit code (as :func:`os.waitstatus_to_exitcode`) once the child has ended.

Lifetimes: the fork server dies with the server (PR_SET_PDEATHSIG, and it exits when
the socket closes); its children die with it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import selectors
import signal
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Callable

from beskgraph.isolation import lifeline

NAME = "bg-fork-server"
PRELOAD = ("beskgraph.store.embedded",)  # imported once, before the first fork
_LENGTH = struct.Struct("!I")
_STATUS = struct.Struct("!i")
GONE = 255  # the exit code reported for a child whose fork server died first
_ENTRY = f"import sys; from {__name__} import main; main(int(sys.argv[1]), int(sys.argv[2]))"


class ForkServerError(OSError):
    """The fork server could not be started or did not answer."""


class ForkedByServer:
    """A child of the fork server: kill it through its pidfd, wait for the status it reports."""

    def __init__(self, pidfd: int, status_fd: int) -> None:
        self.pidfd, self.status_fd = pidfd, status_fd

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)

    def wait(self) -> int:
        """Block until the fork server reports the exit code (GONE if the fork server died)."""
        data = b""
        while len(data) < _STATUS.size:
            chunk = os.read(self.status_fd, _STATUS.size - len(data))
            if not chunk:
                break
            data += chunk
        os.close(self.status_fd)
        os.close(self.pidfd)
        return _STATUS.unpack(data)[0] if len(data) == _STATUS.size else GONE


class ForkServer:
    """The server side: start the fork server on first use, ask it for children."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def _start(self) -> socket.socket:
        """Start the fork server from a thread of its own that waits for it all its life:
        PR_SET_PDEATHSIG fires when the *thread* that started a process ends."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        command = [sys.executable, "-c", _ENTRY, str(os.getpid()), str(theirs.fileno())]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}  # this process's
        started: list[subprocess.Popen[bytes] | BaseException] = []
        ready = threading.Event()

        def parent() -> None:
            try:
                process = subprocess.Popen(
                    command, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env
                )
            except BaseException as exc:
                started.append(exc)
                ready.set()
                return
            started.append(process)
            ready.set()
            process.wait()

        threading.Thread(target=parent, name=NAME, daemon=True).start()
        ready.wait()
        theirs.close()
        if isinstance(started[0], BaseException):
            raise ForkServerError(f"the fork server could not start: {started[0]}")
        self._process = started[0]
        ours.settimeout(60)  # the first answer waits for the preload
        if ours.recv(1) != b"R":
            raise ForkServerError("the fork server did not start")
        ours.settimeout(10)
        return ours

    def fork(self, function: Callable[..., None], *args: object) -> tuple[ForkedByServer, int, int]:
        """Start ``function(*args, data_fd, meta_fd, parent_pid)`` in a child; its pipes' read ends."""
        data_r, data_w = os.pipe()
        meta_r, meta_w = os.pipe()
        try:
            with self._lock:
                for attempt in (1, 2):  # once more with a new fork server if the old one died
                    try:
                        if self._socket is None:
                            self._socket = self._start()
                        return ForkedByServer(*self._request(function, args, data_w, meta_w)), data_r, meta_r
                    except OSError:
                        self.close()
                        if attempt == 2:
                            raise
        except BaseException:
            os.close(data_r)
            os.close(meta_r)
            raise
        finally:
            os.close(data_w)
            os.close(meta_w)
        raise AssertionError("unreachable")

    def _request(self, function: Callable[..., None], args: tuple, data_w: int, meta_w: int) -> list[int]:
        assert self._socket is not None
        payload = pickle.dumps((function, args))
        message = _LENGTH.pack(len(payload)) + payload
        sent = socket.send_fds(self._socket, [message[:4096]], [data_w, meta_w])
        self._socket.sendall(message[sent:])
        _, fds, _, _ = socket.recv_fds(self._socket, 1, 2)
        if len(fds) != 2:
            raise ForkServerError("the fork server did not fork")
        return fds

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None


_SHARED = ForkServer()


def fork_server() -> ForkServer:
    """The fork server of this process (started on first use)."""
    return _SHARED


# ---------------------------------------------------------------------------
# The fork server process


def _receive(sock: socket.socket) -> tuple[Callable[..., None], tuple, list[int]] | None:
    """One request: the function, its arguments and the two pipe ends; None at end of stream."""
    data, fds, _, _ = socket.recv_fds(sock, 65536, 2)
    while data and len(data) < _LENGTH.size:
        data += sock.recv(_LENGTH.size - len(data))
    if len(data) < _LENGTH.size or len(fds) != 2:
        return None
    (length,) = _LENGTH.unpack(data[: _LENGTH.size])
    payload = data[_LENGTH.size :]
    while len(payload) < length:
        chunk = sock.recv(length - len(payload))
        if not chunk:
            return None
        payload += chunk
    function, args = pickle.loads(payload)
    return function, args, fds


def main(server_pid: int, socket_fd: int) -> None:
    """Serve fork requests until the server is gone."""
    lifeline.bind_to_parent(server_pid)
    lifeline.name_process(NAME)
    for module in PRELOAD:
        __import__(module)
    sock = socket.socket(fileno=socket_fd)
    sock.sendall(b"R")
    waiter = selectors.DefaultSelector()
    waiter.register(sock, selectors.EVENT_READ)
    me = os.getpid()
    while True:
        for key, _ in waiter.select():
            if key.fileobj is sock:
                request = _receive(sock)
                if request is None:
                    return
                function, args, (data_w, meta_w) = request
                pid = os.fork()
                if pid == 0:
                    try:
                        lifeline.close_fds_except((data_w, meta_w))
                        function(*args, data_w, meta_w, me)
                    finally:
                        os._exit(1)
                os.close(data_w)
                os.close(meta_w)
                pidfd = os.pidfd_open(pid)
                status_r, status_w = os.pipe()
                socket.send_fds(sock, [b"F"], [pidfd, status_r])
                os.close(status_r)
                waiter.register(pidfd, selectors.EVENT_READ, (pid, status_w))
            else:  # a child ended: report, and reap it
                pid, status_w = key.data
                waiter.unregister(key.fd)
                os.close(key.fd)
                status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
                os.write(status_w, _STATUS.pack(status))
                os.close(status_w)
