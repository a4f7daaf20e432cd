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
lets the new workers accept and retires the old ones: they finish the requests they run
(for ``Supervisor.retire_seconds``, what the time limits allow one) and end. A request that
reaches an old worker after the publication (on a connection it kept open) is not
answered from the old graph: it gets 503 with ``Retry-After: 0`` and ``Connection:
close``. So no answer ever mixes two loads, and none started after the publication comes
from the old one. A failed reload leaves the old workers serving.

A worker that dies is replaced; workers that keep ending (a crash loop) stop the server.
Workers die with the supervisor (PR_SET_PDEATHSIG); their query processes die with them
(``beskgraph.isolation.lifeline``). SIGTERM or SIGINT stops the workers gracefully
(uvicorn finishes what is running, for at most ``GRACEFUL_SECONDS``) and then the
supervisor; stragglers are killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
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
STOP_ACCEPTING_SECONDS = 2.0  # the most a reload waits for the old workers to stop accepting
DRAIN_SECONDS = 0.2  # a stopping worker waits this long for requests on connections it accepted
GRACEFUL_SECONDS = 5  # uvicorn's limit for requests still running when the server stops
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
    kill_at: float | None = None  # retired by a reload: killed if still running then


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
        retire_seconds: float = GRACEFUL_SECONDS,
        flags: set[int] | None = None,
    ) -> None:
        self.load, self.make_app, self.sock = load, make_app, sock
        self.count, self.log_level = max(1, workers), log_level
        self.limits = dict(limits or {})  # uvicorn.Config's keyword arguments (connection limits)
        # how long the workers of a generation a reload replaced may finish what they run
        self.retire_seconds = max(retire_seconds, GRACEFUL_SECONDS)
        self.shared = SharedGeneration()
        self.generation = 0
        self.workers: dict[int, Worker] = {}
        self.loaded: Loaded | None = None  # what the workers of the current generation open
        self._flags = flags if flags is not None else set()  # signals received, not yet acted on
        self._loading: _Loading | None = None
        self._wake: tuple[int, ...] = ()  # the pipe signals wake the supervisor through
        self._quick_ends = 0  # workers in a row that ended unasked soon after they started
        self._failed: StartFailed | None = None
        self._retired: dict[int, Loaded] = {}  # by generation: released when its last worker ends

    def run(self) -> None:
        """Load, start the workers, and supervise them until SIGTERM or SIGINT; StartFailed
        when the address is taken or the workers keep ending."""
        flag = lambda number, _frame: self._flags.add(number)  # noqa: E731
        stop_on_signals(self._flags)
        with contextlib.suppress(KeyboardInterrupt):
            self.loaded = self.load(False)
        if self._stopping() or self.loaded is None:  # the interruption may have been lost
            log.info("stopped while loading")
            if self.loaded is not None:
                self.loaded.release()
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
                self._kill_overdue()
        except KeyboardInterrupt:
            pass  # stopped while workers were starting
        finally:
            self._stop_all()
            signal.set_wakeup_fd(-1)
            for loaded in (*self._retired.values(), self.loaded):
                if loaded is not None:
                    loaded.release()
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
        """Publish the new workers' generation, let them accept, retire the others: they
        finish what they run (the query and page time limits allow) and end."""
        old = [w for w in self.workers.values() if w.generation != new[0].generation]
        if self.generation == 0:  # the first: the socket listens from now on
            self._listen()
        self.generation = new[0].generation
        self._quick_ends = 0
        self.shared.publish(self.generation)
        for worker in new:
            os.write(worker.go, b"1")
        retiring = [w for w in old if w.kill_at is None]  # not those an earlier reload retired
        for worker in retiring:
            worker.kill_at = time.monotonic() + self.retire_seconds + KILL_AFTER - GRACEFUL_SECONDS
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGTERM)
        # once this returns, a new connection reaches a new worker: the old ones accept no more
        waiting = {w.ready for w in retiring}
        deadline = time.monotonic() + STOP_ACCEPTING_SECONDS
        while waiting and time.monotonic() < deadline:
            readable, _, _ = select.select(list(waiting), [], [], 0.05)
            waiting.difference_update(readable)  # a byte: it stopped accepting; nothing: it ended

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
        retired = self.generation
        self._switch(new)
        self._retired[retired] = served
        self._release_unserved()
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
        """Reap the workers that ended (only them: a build's own processes are its to wait
        for); replace those of the current generation, release the loads no worker serves."""
        self._flags.discard(signal.SIGCHLD)
        for worker in list(self.workers.values()):
            try:
                pid, status = os.waitpid(worker.pid, os.WNOHANG)
            except ChildProcessError:
                pid, status = worker.pid, 0
            if pid == 0:
                continue
            self.workers.pop(worker.pid, None)
            _close(worker)
            # not while a reload writes the store: a copy forked now could hold half of it
            if worker.generation == self.generation and not self._stopping() and self._loading is None:
                log.warning("worker %d ended (%s); starting another", pid, _describe(status))
                if not self._replace(worker, f"with {_describe(status)}"):
                    return
        self._release_unserved()

    def _replace(self, ended: Worker, how: str) -> bool:
        """Start a worker in place of ``ended``, again while each ends before it is ready;
        False once :data:`CRASH_LIMIT` have ended in a row within :data:`CRASH_SECONDS` of
        their start (a crash loop: the server stops, saying so)."""
        last, reason = ended, how
        while True:
            quick = time.monotonic() - last.started < CRASH_SECONDS
            self._quick_ends = self._quick_ends + 1 if quick else 0
            if self._quick_ends >= CRASH_LIMIT:
                self._failed = StartFailed(
                    f"{CRASH_LIMIT} workers in a row ended within {CRASH_SECONDS:g} s of their start, "
                    f"the last {reason}; not starting more (see the log above)"
                )
                return False
            last = self._fork(self.generation)
            try:
                self._wait_ready([last])
            except RuntimeError as exc:
                log.error("%s", exc)
                self._terminate([last])
                reason = "before it was ready"
                continue
            os.write(last.go, b"1")
            return True

    def _release_unserved(self) -> None:
        """Release the loads of retired generations whose last worker has ended."""
        serving = {w.generation for w in self.workers.values()}
        for generation in [g for g in self._retired if g not in serving]:
            self._retired.pop(generation).release()

    def _kill_overdue(self) -> None:
        """Kill a retired worker still running past its time (a request that never ends)."""
        now = time.monotonic()
        for worker in self.workers.values():
            if worker.kill_at is not None and now > worker.kill_at:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker.pid, signal.SIGKILL)

    def _terminate(self, workers: list[Worker]) -> None:
        """SIGTERM (SIGINT to a retired one, whom uvicorn then stops at once), then wait for
        them (SIGKILL after :data:`KILL_AFTER`)."""
        for worker in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGINT if worker.kill_at is not None else signal.SIGTERM)
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


def stop_on_signals(flags: set[int]) -> None:
    """Until the supervisor serves: SIGTERM and SIGINT stop the start (KeyboardInterrupt), SIGHUP
    asks for a reload once serving; each is noted in ``flags``, so a stop is kept even when the
    exception is lost (raised in a fork hook of the build, Python prints and ignores it)."""

    def interrupt(number: int, _frame: object) -> None:
        flags.add(number)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGHUP, lambda number, _frame: flags.add(number))


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
    _WorkerServer(config, supervisor, generation, ready).run(sockets=[supervisor.sock])
    return 0


class _WorkerServer(uvicorn.Server):
    """uvicorn's server, stopping as a worker should.

    It stops accepting and says so on its ready pipe (``told``: a reload waits for that, so a
    connection made once it is published reaches a new worker), then gives the connections it
    accepted last :data:`DRAIN_SECONDS`
    to send their request: uvicorn closes a connection whose request it has not read yet, and
    the client, its request sent, sees a reset; read, the request is answered (after a reload:
    503, retry at once). Then it lets the requests running finish: when a reload retired it,
    as long as their time limits allow (``Supervisor.retire_seconds``); when the server stops,
    :data:`GRACEFUL_SECONDS`."""

    def __init__(self, config: uvicorn.Config, supervisor: Supervisor, generation: int, told: int) -> None:
        super().__init__(config)
        self.supervisor, self.generation, self.told = supervisor, generation, told

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        with contextlib.suppress(OSError):
            os.write(self.told, b"s")  # the supervisor waits for this (or the end) at a reload
        await asyncio.sleep(DRAIN_SECONDS)
        retired = self.supervisor.shared.value != self.generation
        limit = self.supervisor.retire_seconds if retired else GRACEFUL_SECONDS
        self.config.timeout_graceful_shutdown = math.ceil(limit)
        await super().shutdown(sockets)
