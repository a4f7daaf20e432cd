"""One graph served by several worker processes, loaded once, reloaded atomically.

The supervisor (the process ``server.py`` starts) loads the graph, binds the socket and
forks the workers; it serves nothing itself. Each worker opens the graph the load left
(``load`` returns how: the in-memory store itself, shared copy-on-write with the
supervisor, so N workers hold one copy; a read-only checkpoint of an on-disk store; a
connection of its own to a remote store), makes the API and says it is ready. Only when
every worker is ready does the supervisor publish the generation and let them accept
connections: until then the socket does not listen, so ``/health`` answering 200 means
every worker is ready.

Reloading (SIGHUP, as for nginx) loads again in the supervisor while the workers serve,
then starts a new set of workers on the new graph. When all of them are ready, the
supervisor publishes the new generation (a number in memory shared by all processes),
lets the new workers accept and stops the old ones gracefully. A request that reaches an
old worker after the publication (on a connection it kept open) is not answered from
the old graph: it gets 503 with ``Retry-After: 0`` and ``Connection: close``. So no
answer ever mixes two loads, and none comes from the old one once the new is published.
A failed reload leaves the old workers serving.

A worker that dies is replaced. Workers die with the supervisor (PR_SET_PDEATHSIG); their
query processes die with them (``beskgraph.isolation.lifeline``). SIGTERM or SIGINT
stops the workers gracefully (uvicorn finishes what is running, for at most
``GRACEFUL_SECONDS``) and then the supervisor; stragglers are killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import mmap
import os
import select
import signal
import socket
import struct
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from beskgraph.isolation import lifeline
from beskgraph.store import Store

log = logging.getLogger("beskgraph")
WORKER_NAME = "bg-worker"  # the workers' ``comm`` (what ps shows)
DRAIN_SECONDS = 0.2  # a stopping worker waits this long for requests on connections it accepted
GRACEFUL_SECONDS = 5  # uvicorn's limit for requests still running at shutdown
KILL_AFTER = 10.0  # seconds after SIGTERM a worker that has not ended is killed
READY_TIMEOUT = 600.0  # seconds a worker may take to open the graph
BACKLOG = 2048  # connections the listening socket queues (uvicorn's default)
# this many workers in a row ending within this many seconds of their start: a crash loop, given up
CRASH_LIMIT, CRASH_SECONDS = 5, 10.0
MakeApp = Callable[[Store, int], ASGIApp]  # run in a worker: its app on that store, of that generation


def _nothing() -> None:
    pass


@dataclass(frozen=True)
class Loaded:
    """What one load left for the workers."""

    open: Callable[[], Store]  # run in a worker: the store it serves
    # run in the supervisor once no worker of this load runs or will start (e.g. remove its files)
    release: Callable[[], None] = _nothing


Load = Callable[[bool], Loaded]  # run in the supervisor: (re)load; True: again, on SIGHUP


class SharedGeneration:
    """The published generation: a number in an anonymous shared page, inherited by forked workers."""

    def __init__(self) -> None:
        self._page = mmap.mmap(-1, 8)

    @property
    def value(self) -> int:
        return int(struct.unpack_from("Q", self._page, 0)[0])

    def publish(self, generation: int) -> None:
        struct.pack_into("Q", self._page, 0, generation)


class GenerationGate:
    """ASGI wrapper of a worker's app: a worker whose generation is no longer the published
    one answers nothing from its graph (503, retry at once, on another connection)."""

    def __init__(self, app: ASGIApp, shared: SharedGeneration, generation: int) -> None:
        self.app, self.shared, self.generation = app, shared, generation

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.shared.value == self.generation:
            await self.app(scope, receive, send)
            return
        body = b"the graph was reloaded; retry\n"
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", b"0"),
                    (b"connection", b"close"),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _Loading:
    """A reload running in a thread of the supervisor."""

    def __init__(self, load: Load) -> None:
        self.started = time.monotonic()
        self.loaded: Loaded | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(load,), name="reload", daemon=True)
        self.thread.start()

    def _run(self, load: Load) -> None:
        try:
            self.loaded = load(True)
        except BaseException as exc:  # reported by the supervisor; the old generation goes on
            self.error = exc


class StartFailed(Exception):
    """The server cannot start or go on serving; the message says why, in one line."""


@dataclass
class Worker:
    pid: int
    generation: int
    ready: int  # read end: the worker writes a byte once ready
    go: int  # write end: a byte lets the worker accept connections
    started: float = field(default_factory=time.monotonic)


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket, inheritable; it listens once the first worker serves.

    Made with protocol TCP named, not 0: asyncio sets TCP_NODELAY on the connections of such
    a socket only, and without it every answer waited ~40 ms for the client's delayed ACK
    (330 requests/s at most, measured, against 4 000 with it).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except (OSError, OverflowError) as error:
        sock.close()
        raise StartFailed(f"cannot listen on {host}:{port}: {_reason(error)}") from None
    sock.set_inheritable(True)
    return sock


def _reason(error: BaseException) -> str:
    return (error.strerror if isinstance(error, OSError) else None) or str(error)


class Supervisor:
    """Forks, watches, replaces and stops the workers (see module doc)."""

    def __init__(
        self,
        load: Load,
        make_app: MakeApp,
        sock: socket.socket,
        workers: int,
        log_level: str = "info",
        limits: Mapping[str, Any] | None = None,
    ) -> None:
        self.load, self.make_app, self.sock = load, make_app, sock
        self.count, self.log_level = max(1, workers), log_level
        self.limits = dict(limits or {})  # uvicorn.Config's keyword arguments (connection limits)
        self.shared = SharedGeneration()
        self.generation = 0
        self.workers: dict[int, Worker] = {}
        self.loaded: Loaded | None = None  # what the workers of the current generation open
        self._flags: set[int] = set()
        self._loading: _Loading | None = None
        self._wake: tuple[int, ...] = ()  # the pipe signals wake the supervisor through
        self._quick_ends = 0  # workers in a row that ended unasked soon after they started
        self._failed: StartFailed | None = None

    def run(self) -> None:
        """Load, start the workers, and supervise them until SIGTERM or SIGINT; StartFailed
        when the address is taken or the workers keep ending."""
        flag = lambda number, _frame: self._flags.add(number)  # noqa: E731
        signal.signal(signal.SIGHUP, flag)  # during the first load: reload once serving
        signal.signal(signal.SIGTERM, _interrupt)  # ends the first load, as SIGINT does
        try:
            self.loaded = self.load(False)
        except KeyboardInterrupt:
            log.info("stopped while loading")
            return
        wake_read, wake_write = self._wake = os.pipe()
        os.set_blocking(wake_write, False)
        os.set_blocking(wake_read, False)
        signal.set_wakeup_fd(wake_write)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(sig, flag)
        try:
            try:
                self._switch(self._start_generation())
            except RuntimeError as error:  # e.g. a worker could not open the graph
                raise StartFailed(str(error)) from None
            log.info("serving with %d workers (generation %d); SIGHUP reloads", self.count, self.generation)
            while not self._stopping() and self._failed is None:
                select.select([wake_read], [], [], 1.0)
                with contextlib.suppress(BlockingIOError):
                    os.read(wake_read, 512)
                self._reload_step()
                self._reap_and_replace()
        except KeyboardInterrupt:
            pass  # stopped while workers were starting
        finally:
            self._stop_all()
            signal.set_wakeup_fd(-1)
            if self.loaded is not None:
                self.loaded.release()
        if self._failed is not None:
            raise self._failed

    def _stopping(self) -> bool:
        return bool(self._flags & {signal.SIGTERM, signal.SIGINT})

    # -- generations ---------------------------------------------------------------

    def _start_generation(self) -> list[Worker]:
        """Fork a full set of workers on the current load; wait until all are ready."""
        generation = self.generation + 1
        started = [self._fork(generation) for _ in range(self.count)]
        try:
            self._wait_ready(started)
        except BaseException:
            self._terminate(started)
            raise
        return started

    def _switch(self, new: list[Worker]) -> None:
        """Publish the new workers' generation, let them accept, stop the others."""
        old = [w for w in self.workers.values() if w.generation != new[0].generation]
        if self.generation == 0:  # the first: the socket listens from now on
            self._listen()
        self.generation = new[0].generation
        self._quick_ends = 0
        self.shared.publish(self.generation)
        for worker in new:
            os.write(worker.go, b"1")
        self._terminate(old)

    def _listen(self) -> None:
        try:
            self.sock.listen(BACKLOG)
        except OSError as error:  # another process bound the address too, and listens on it
            host, port = self.sock.getsockname()[:2]
            self._terminate(list(self.workers.values()))
            raise StartFailed(f"cannot listen on {host}:{port}: {_reason(error)}") from None

    def _reload_step(self) -> None:
        """Start a load on SIGHUP (in a thread: the supervisor stays responsive to signals);
        once it is done, start its workers and switch to them."""
        if signal.SIGHUP in self._flags and self._loading is None:
            self._flags.discard(signal.SIGHUP)
            log.info("reloading the graph (the workers of generation %d serve meanwhile)", self.generation)
            self._loading = _Loading(self.load)
        loading = self._loading
        if loading is None or loading.thread.is_alive():
            return
        self._loading = None
        if loading.error is not None:
            log.error("reload failed; generation %d is still served: %s", self.generation, loading.error)
            return
        served, self.loaded = self.loaded, loading.loaded
        assert served is not None and self.loaded is not None
        try:
            new = self._start_generation()
        except RuntimeError as exc:
            log.error("reload failed; generation %d is still served: %s", self.generation, exc)
            self.loaded.release()
            self.loaded = served  # a worker replaced from now on opens what the others serve
            return
        self._switch(new)
        served.release()
        log.info(
            "generation %d published to %d workers in %.1f s",
            self.generation,
            len(new),
            time.monotonic() - loading.started,
        )

    # -- workers -------------------------------------------------------------------

    def _fork(self, generation: int) -> Worker:
        assert self.loaded is not None
        ready_read, ready_write = os.pipe()
        go_read, go_write = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                # the supervisor's signal handling is not the worker's: its wake-up descriptor,
                # closed here, could be reused by a connection the signal bytes would go to
                signal.set_wakeup_fd(-1)
                for fd in (ready_read, go_write, *self._wake):
                    os.close(fd)
                code = _worker_main(self, generation, ready_write, go_read, parent)
            except BaseException:
                log.exception("worker %d failed", os.getpid())
            finally:
                os._exit(code)
        os.close(ready_write)
        os.close(go_read)
        worker = Worker(pid, generation, ready_read, go_write)
        self.workers[pid] = worker
        return worker

    def _wait_ready(self, workers: list[Worker]) -> None:
        waiting = {w.ready: w for w in workers}
        deadline = time.monotonic() + READY_TIMEOUT
        while waiting:
            if time.monotonic() > deadline:
                raise RuntimeError(f"workers not ready after {READY_TIMEOUT:g} s")
            if self._stopping():
                raise KeyboardInterrupt
            readable, _, _ = select.select(list(waiting), [], [], 0.5)
            for fd in readable:
                worker = waiting.pop(fd)
                if os.read(fd, 1) != b"1":
                    raise RuntimeError(f"worker {worker.pid} ended before it was ready")

    def _reap_and_replace(self) -> None:
        self._flags.discard(signal.SIGCHLD)
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            worker = self.workers.pop(pid, None)
            if worker is None:
                continue
            _close(worker)
            # not while a reload writes the store: a copy forked now could hold half of it
            if worker.generation == self.generation and not self._stopping() and self._loading is None:
                quick = time.monotonic() - worker.started < CRASH_SECONDS
                self._quick_ends = self._quick_ends + 1 if quick else 0
                if self._quick_ends >= CRASH_LIMIT:
                    self._failed = StartFailed(
                        f"{CRASH_LIMIT} workers in a row ended within {CRASH_SECONDS:g} s of their start, "
                        f"the last with {_describe(status)}; not starting more (see the log above)"
                    )
                    return
                log.warning("worker %d ended (%s); starting another", pid, _describe(status))
                replacement = self._fork(self.generation)
                try:
                    self._wait_ready([replacement])
                except RuntimeError as exc:
                    log.error("%s; serving with fewer workers", exc)
                    self._terminate([replacement])
                    continue
                os.write(replacement.go, b"1")

    def _terminate(self, workers: list[Worker]) -> None:
        """SIGTERM, then wait for them (SIGKILL after :data:`KILL_AFTER`)."""
        for worker in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGTERM)
        deadline = time.monotonic() + KILL_AFTER
        for worker in workers:
            while True:
                try:
                    pid, _status = os.waitpid(worker.pid, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid:
                    break
                if time.monotonic() > deadline:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(worker.pid, signal.SIGKILL)
                time.sleep(0.02)
            self.workers.pop(worker.pid, None)
            _close(worker)

    def _stop_all(self) -> None:
        self._terminate(list(self.workers.values()))


def _interrupt(_number: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _close(worker: Worker) -> None:
    for fd in (worker.ready, worker.go):
        with contextlib.suppress(OSError):
            os.close(fd)


def _describe(status: int) -> str:
    code = os.waitstatus_to_exitcode(status)
    return f"signal {-code}" if code < 0 else f"exit code {code}"


def _worker_main(supervisor: Supervisor, generation: int, ready: int, go: int, parent: int) -> int:
    """In a forked worker: open the graph, make the app, report ready, wait, serve."""
    lifeline.bind_to_parent(parent)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # a reload is the supervisor's business
    # until uvicorn takes them over: SIGTERM ends a worker still opening the graph at once (the
    # supervisor's handler, inherited, only noted it, and the worker was killed 10 s later)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    lifeline.name_process(WORKER_NAME)
    for other in supervisor.workers.values():
        _close(other)
    assert supervisor.loaded is not None
    app = supervisor.make_app(supervisor.loaded.open(), generation)
    log.info("worker %d ready (generation %d)", os.getpid(), generation)
    os.write(ready, b"1")
    if os.read(go, 1) != b"1":
        return 0  # the supervisor gave up on this generation
    gated = GenerationGate(app, supervisor.shared, generation)
    config = uvicorn.Config(
        gated, log_level=supervisor.log_level, timeout_graceful_shutdown=GRACEFUL_SECONDS, **supervisor.limits
    )
    _DrainingServer(config).run(sockets=[supervisor.sock])
    return 0


class _DrainingServer(uvicorn.Server):
    """uvicorn's server, which at shutdown stops accepting and then gives the connections it
    accepted last :data:`DRAIN_SECONDS` to send their request: uvicorn closes a connection
    whose request it has not read yet, and the client, its request sent, sees a reset. Read, the
    request is answered (after a reload: 503, retry at once)."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        await asyncio.sleep(DRAIN_SECONDS)
        await super().shutdown(sockets)
