"""Queries in child processes: bounded, sandboxed, and never outliving the server.

A query runs in a child process (forked from the server for the in-memory store,
forked from a clean fork server, ``beskgraph.store.fork_server``, for the on-disk one)
that

1. ties its life to its parent and takes default signal actions, with its own alarm
   as a backstop (``beskgraph.isolation.lifeline``);
2. forbids itself the network (``beskgraph.isolation.seccomp``); where that is not
   possible the job fails unless it does not require the sandbox; caps its memory;
3. for a query from a client, parses it with rdflib (the grammar check) and reports
   ``{"checked": ...}``;
4. resolves the dataset, runs the query on a deep-stack thread and streams the
   serialised result into a pipe, then reports ``{"media_type": ...}`` or an error.

The parent (:func:`run_child`) reads both pipes with two deadlines - the check limit,
then the query limit from the moment the check is done - and a byte limit; it stops
when the caller cancels (the client went away). At any of these it kills the child
(SIGKILL) and always reaps it before returning, so whoever counts running queries
counts child processes that really exist.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import json
import os
import selectors
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import IO, NoReturn, Protocol

from beskgraph.formats.answers import AnswerFormats
from beskgraph.isolation import lifeline
from beskgraph.isolation.memory import cap_memory
from beskgraph.isolation.seccomp import SandboxUnavailable, forbid_network
from beskgraph.isolation.stack import TWO_DEEP_STACKS, call_with_stack
from beskgraph.query import GrammarError, QueryInfo, QueryRefused, inspect_query, resolve_dataset
from beskgraph.store.errors import (
    NetworkRefused,
    NotAcceptable,
    QueryCancelled,
    QueryLimitExceeded,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
    StoreError,
    StoreUnavailable,
)
from beskgraph.store.fork_server import GONE

DEFAULT_FORMATS = AnswerFormats()  # what a client that accepts anything gets
WORKER_NAME = "bg-query"  # the children's ``comm`` (what ps shows)
BACKSTOP_MARGIN = 2.0  # seconds the child's own alarm waits beyond the parent's deadlines
POLL = 0.05  # seconds between looks at the cancel flag
MAX_MESSAGE = 4000  # characters of an error message sent back


@dataclass(frozen=True)
class QueryJob:
    """A query for a child: the text it runs and what to check first.

    ``check_depth`` set: a client's query - grammar-check it (nesting up to that
    depth), then resolve ``default_graphs`` / ``named_graphs`` (protocol parameters)
    against its FROM clauses. ``None``: the caller's own query, run on exactly that
    dataset. ``run=False`` stops after the check (a remote store runs it).
    """

    text: str
    formats: AnswerFormats = DEFAULT_FORMATS
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    base_iri: str | None = None
    check_depth: int | None = None
    run: bool = True
    require_sandbox: bool = True

    @property
    def accept(self) -> str:
        """The answer's formats as an Accept header, for a store that forwards the query."""
        return self.formats.accept


@dataclass(frozen=True)
class Budget:
    """Time and output a query may take."""

    timeout: float  # seconds to run, counted from the end of the check
    check_timeout: float = 5.0  # seconds for the grammar check
    max_bytes: int | None = None  # of serialised result
    max_memory: int | None = None  # bytes the child may allocate beyond what it shares
    ceiling: float | None = None  # seconds a remote store's query may keep its slot (it cannot be stopped)

    @property
    def backstop(self) -> float:
        return self.check_timeout + self.timeout + BACKSTOP_MARGIN


@dataclass(frozen=True)
class ChildOutcome:
    body: bytes
    media_type: str | None
    info: QueryInfo | None


class ResultWriter(Protocol):
    """What a child needs from a store: its graphs, and a query serialised into a sink."""

    def graphs(self) -> list[str]: ...

    def write_result(
        self,
        query: str,
        formats: AnswerFormats,
        default_graph_uris: Sequence[str],
        named_graph_uris: Sequence[str],
        base_iri: str | None,
        out: IO[bytes],
    ) -> str: ...


class ChildProcess(Protocol):
    def kill(self) -> None: ...

    def wait(self) -> int:
        """Reap; the exit code, or minus the signal that ended it."""
        ...


# ---------------------------------------------------------------------------
# Child side


def serve_job(
    job: QueryJob,
    budget: Budget,
    open_store: Callable[[], ResultWriter | None],
    data_fd: int,
    meta_fd: int,
    parent_pid: int,
) -> NoReturn:
    """Body of a query child (see module doc); ends the process."""

    def report(message: dict[str, object]) -> None:
        data = json.dumps(message).encode() + b"\n"
        while data:
            data = data[os.write(meta_fd, data) :]

    sandboxed = False
    try:
        lifeline.become_worker(parent_pid, name=WORKER_NAME, backstop_seconds=budget.backstop)
        gc.disable()  # the collector would touch (copy) pages shared with the server
        _quiet()
        try:
            forbid_network()
            sandboxed = True
        except SandboxUnavailable:
            if job.require_sandbox:
                raise
        if budget.max_memory is not None:
            # the grammar check's thread and then the engine's, each with a deep stack mapped whole
            cap_memory(budget.max_memory + TWO_DEEP_STACKS)
        info = None
        if job.check_depth is not None:
            info = inspect_query(job.text, job.check_depth)
            report({"checked": asdict(info)})
        store = open_store() if job.run else None
        if store is not None:
            default, named = job.default_graphs, job.named_graphs
            if info is not None:
                # ignored below: lists for the job's tuples: both only read
                default, named = resolve_dataset(info, default, named, store.graphs)  # type: ignore[assignment]
            with os.fdopen(data_fd, "wb", buffering=1 << 16) as sink:
                media = call_with_stack(
                    lambda: store.write_result(job.text, job.formats, default, named, job.base_iri, sink)
                )
            report({"media_type": media})
        else:
            report({"media_type": None})
    except QueryRefused as exc:
        report({"error": "refused", "message": exc.message[:MAX_MESSAGE], "limit": exc.limit})
    except (GrammarError, QuerySyntaxError) as exc:
        report({"error": "syntax", "message": str(exc)[:MAX_MESSAGE]})
    except NotAcceptable as exc:
        report({"error": "not_acceptable", "message": str(exc)[:MAX_MESSAGE]})
    except SandboxUnavailable as exc:
        report({"error": "sandbox", "message": f"no network sandbox for queries here: {exc}"[:MAX_MESSAGE]})
    except BaseException as exc:
        if sandboxed and _stopped_by_sandbox(exc):
            report(
                {
                    "error": "network",
                    "message": f"the query tried to open a network connection, "
                    f"which query processes may not ({exc})"[:MAX_MESSAGE],
                }
            )
        else:
            report({"error": "store", "message": f"{type(exc).__name__}: {exc}"[:MAX_MESSAGE]})
    finally:
        os._exit(0)


def _stopped_by_sandbox(exc: BaseException | None) -> bool:
    """Whether ``exc`` or its cause is the sandbox's EPERM ("os error 1": pyoxigraph sets no errno).

    Under the filter only ``socket``, ``connect`` and ``io_uring_setup`` answer EPERM; a
    file the engine may not read is EACCES ("os error 13").
    """
    while exc is not None:
        if isinstance(exc, PermissionError) and (exc.errno == errno.EPERM or "(os error 1)" in str(exc)):
            return True
        exc = exc.__cause__
    return False


def _quiet() -> None:
    """Send the child's stderr nowhere: an engine that runs out of memory prints a backtrace."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


# ---------------------------------------------------------------------------
# Starting a child


class ForkedChild:
    """A child forked from this process."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def wait(self) -> int:
        return os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])


Started = tuple[ChildProcess, int, int]  # the child, its data pipe and its report pipe


def fork_child(job: QueryJob, budget: Budget, store: ResultWriter | None) -> Started:
    """Fork a child that serves ``job`` on ``store`` (inherited copy-on-write)."""
    data_r, data_w = os.pipe()
    meta_r, meta_w = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller
        try:
            lifeline.close_fds_except((data_w, meta_w))
            serve_job(job, budget, lambda: store, data_w, meta_w, parent)
        finally:
            os._exit(1)
    os.close(data_w)
    os.close(meta_w)
    return ForkedChild(pid), data_r, meta_r


# ---------------------------------------------------------------------------
# Parent side

_ERRORS: dict[str, Callable[[str], Exception]] = {
    "syntax": QuerySyntaxError,
    "network": NetworkRefused,
    "not_acceptable": NotAcceptable,
    "sandbox": StoreUnavailable,
    "store": StoreError,
}


def _failure(meta: dict) -> Exception:
    if meta["error"] == "refused":
        return QueryRefused(meta["message"], meta.get("limit"))
    return _ERRORS.get(meta["error"], StoreError)(meta["message"])


def _ended(status: int, budget: Budget) -> Exception:
    if status == -signal.SIGABRT and budget.max_memory is not None:
        return QueryLimitExceeded(f"the query needed more than its {budget.max_memory >> 20} MB of memory")
    if status == GONE:
        return StoreUnavailable("the query process was lost with its fork server; shutting down?")
    if status < 0:
        name = signal.Signals(-status).name
        if -status in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            return StoreUnavailable(f"the query process was stopped ({name}); is the server shutting down?")
        return StoreError(f"the query process ended by {name}")
    return StoreError(f"the query process ended without an answer (exit status {status})")


def run_child(
    started: Started, job: QueryJob, budget: Budget, cancel: threading.Event | None = None
) -> ChildOutcome:
    """Collect what a started child answers, within ``budget``; the child is reaped on return."""
    child, data_r, meta_r = started
    checking = job.check_depth is not None
    deadline = time.monotonic() + (budget.check_timeout if checking else budget.timeout)
    chunks: list[bytes] = []
    size = 0
    reports = b""
    info: QueryInfo | None = None
    final: dict | None = None
    open_fds = {data_r, meta_r}
    waiter = selectors.DefaultSelector()  # epoll/poll: no FD_SETSIZE limit
    for fd in open_fds:
        waiter.register(fd, selectors.EVENT_READ)
    reaped: int | None = None
    try:
        while open_fds:
            if cancel is not None and cancel.is_set():
                raise QueryCancelled("the client went away; query stopped")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if checking:
                    raise QueryRefused(
                        f"the query could not be checked within {budget.check_timeout:g} s",
                        "query_check_timeout",
                    )
                raise QueryTimeout(f"query exceeded its time limit of {budget.timeout:g} s")
            for key, _ in waiter.select(min(remaining, POLL)):
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    waiter.unregister(key.fd)
                    open_fds.discard(key.fd)
                elif key.fd == meta_r:
                    reports += chunk
                    *lines, reports = reports.split(b"\n")
                    for line in lines:
                        message = json.loads(line)
                        if "checked" in message:
                            checked = message["checked"]
                            info = QueryInfo(
                                checked["form"], tuple(checked["from_graphs"]), tuple(checked["from_named"])
                            )
                            checking = False
                            deadline = time.monotonic() + budget.timeout
                        else:
                            final = message
                else:
                    size += len(chunk)
                    if budget.max_bytes is not None and size > budget.max_bytes:
                        raise ResultTooLarge(f"query result exceeded {budget.max_bytes} bytes")
                    chunks.append(chunk)
        reaped = child.wait()
    finally:
        waiter.close()
        if reaped is None:
            child.kill()
            child.wait()
        os.close(data_r)
        os.close(meta_r)
    if final is None:
        raise _ended(reaped, budget)
    if "error" in final:
        raise _failure(final)
    return ChildOutcome(b"".join(chunks), final.get("media_type"), info)
