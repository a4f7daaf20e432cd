"""Running a prepared document under a guard: time limit, client disconnect, response budget.

The HTTP layer prepares the document (``documents.py``) and then runs strawberry's
``execute`` with :func:`run_guarded`: in a worker thread, on an event loop of its own,
a few at once. A large response completes tens of thousands of fields between two
waits for the store, and on the server's loop that starved every other request
(``/health`` waited 15 s behind one query); on its own loop it only shares the GIL.

The :class:`GuardedSchema` takes the prepared document instead of parsing and
validating again, and charges every object and leaf value to the request's
:class:`Guard`. The guard stops the run when the time limit passes, when the client
disconnects, or when the response outgrows its budget: the run is cancelled at its next
await, or aborted at the next object or value it completes, whichever comes first, and
its memory is released.
"""

from __future__ import annotations

import asyncio
import threading
import warnings
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

import strawberry
from anyio import CapacityLimiter, to_thread
from graphql import DocumentNode, GraphQLError, GraphQLLeafType
from starlette.types import Receive
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionContext

from beskgraph.api.graphql.errors import log_faults

T = TypeVar("T")
LEAF_OVERHEAD = 8  # bytes a leaf costs in the response besides its text (key, quotes, comma)

# A stopped run leaves coroutines the executor had made but not yet awaited; their
# warnings would fill the log with one line each for every query stopped.
warnings.filterwarnings("ignore", r"coroutine '(Executor|ExecutionContext|GraphQLCoreConverter)\.",
                        RuntimeWarning)


class Stop(Enum):
    """Why a run was stopped (the value is the error code)."""

    TIMEOUT = "QUERY_TIMEOUT"
    DISCONNECTED = "CLIENT_DISCONNECTED"
    TOO_LARGE = "RESPONSE_TOO_LARGE"


class Stopped(Exception):
    def __init__(self, reason: Stop) -> None:
        super().__init__(reason.value)
        self.reason = reason


class Guard:
    """One request's budgets (response bytes, objects) and its way to stop the run (thread-safe)."""

    def __init__(self, max_bytes: int, max_objects: int) -> None:
        self.max_bytes, self.max_objects = max_bytes, max_objects
        self.used = self.objects = 0
        self.stopped: Stop | None = None
        self.exceeded: str | None = None  # the budget that stopped the run
        self._lock = threading.Lock()
        self._run: tuple[asyncio.AbstractEventLoop, asyncio.Task[Any]] | None = None

    def attach(self) -> None:
        """Called by the run itself, on its own loop: stop it from now on when asked."""
        with self._lock:
            self._run = asyncio.get_running_loop(), asyncio.current_task()  # type: ignore[assignment]
            if self.stopped is not None:
                self._run[1].cancel()

    def detach(self) -> None:
        with self._lock:
            self._run = None

    def stop(self, reason: Stop) -> None:
        """Stop the run (from any thread); the first reason is the one reported."""
        with self._lock:
            if self.stopped is None:
                self.stopped = reason
            if self._run is not None:
                loop, task = self._run
                loop.call_soon_threadsafe(task.cancel)

    def charge(self, size: int) -> None:
        """Count ``size`` response bytes (see :meth:`charge_object`)."""
        self.used += size
        if self.used > self.max_bytes:
            self.exceeded = self.exceeded or f"{self.max_bytes} bytes"
            self.stop(Stop.TOO_LARGE)
        self._abort_if_stopped()

    def charge_object(self) -> None:
        """Count an object about to be completed, before its fields are resolved. Past the
        budget, or once stopped, abort the run here: graphql-core completes thousands of
        objects without an await, where a cancellation would wait (seconds)."""
        self.objects += 1
        if self.objects > self.max_objects:
            self.exceeded = self.exceeded or f"{self.max_objects} objects"
            self.stop(Stop.TOO_LARGE)
        self._abort_if_stopped()

    def _abort_if_stopped(self) -> None:
        if self.stopped is not None:
            raise asyncio.CancelledError  # not an Exception: no resolver error handling catches it


@dataclass(frozen=True)
class Run:
    """What the schema needs of the request beyond strawberry's arguments."""

    document: DocumentNode
    guard: Guard


_RUN: ContextVar[Run] = ContextVar("beskgraph_graphql_run")


class PreparedDocument(SchemaExtension):
    """Hands strawberry the document prepared (parsed and validated) by the HTTP layer.

    Outside :func:`run_guarded` (a trusted caller of ``schema.execute``) strawberry
    parses and validates as usual.
    """

    def on_parse(self) -> Iterator[None]:
        run = _RUN.get(None)
        if run is not None:
            self.execution_context.graphql_document = run.document
        yield

    def on_validate(self) -> Iterator[None]:
        if _RUN.get(None) is not None:
            self.execution_context.pre_execution_errors = []  # validated when prepared
        yield


class GuardedExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution, charging each object and leaf value to the request's guard.

    An object is charged before its fields are resolved, so a response growing past
    its budget stops before the store is asked for the records of the objects too many
    (they take ~5 KB each in memory, whatever fields are asked).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        run = _RUN.get(None)
        self.guard = run.guard if run is not None else None

    def complete_object_value(self, *args: Any, **kwargs: Any) -> Any:
        if self.guard is not None:
            self.guard.charge_object()
        return super().complete_object_value(*args, **kwargs)

    def complete_leaf_value(self, return_type: GraphQLLeafType, result: Any) -> Any:  # type: ignore[override]
        value = super().complete_leaf_value(return_type, result)
        if self.guard is not None:
            self.guard.charge(LEAF_OVERHEAD + (len(value) if isinstance(value, str) else 0))
        return value


class GuardedSchema(strawberry.Schema):
    """A strawberry schema that runs prepared documents under a guard (see module doc)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs, extensions=[PreparedDocument],
                         execution_context_class=GuardedExecutionContext)

    def process_errors(self, errors: list[GraphQLError],
                       execution_context: ExecutionContext | None = None) -> None:
        """Only faults are logged here, with their traceback; the HTTP layer logs the rest."""
        log_faults(errors)


async def run_guarded(execute: Callable[[], Awaitable[T]], run: Run, timeout: float, receive: Receive,
                      limiter: CapacityLimiter) -> T:
    """``await execute()`` on a loop of its own in a worker thread (at most ``limiter`` at
    once); ``Stopped`` when the time limit (queueing included), the client's disconnect or
    the response budget stopped it."""
    guard = run.guard
    timer = asyncio.get_running_loop().call_later(timeout, guard.stop, Stop.TIMEOUT)
    watcher = asyncio.ensure_future(_watch_disconnect(receive, guard))
    try:
        return await to_thread.run_sync(_run_on_own_loop, execute, run, limiter=limiter)
    finally:
        timer.cancel()
        watcher.cancel()


def _run_on_own_loop(execute: Callable[[], Awaitable[T]], run: Run) -> T:
    if run.guard.stopped is not None:  # stopped while queueing
        raise Stopped(run.guard.stopped)
    return asyncio.run(_guarded(execute, run))


async def _guarded(execute: Callable[[], Awaitable[T]], run: Run) -> T:
    _RUN.set(run)
    run.guard.attach()
    try:
        result = await execute()
    except asyncio.CancelledError:
        if run.guard.stopped is None:
            raise
        result = None  # type: ignore[assignment]
    finally:
        run.guard.detach()
    if run.guard.stopped is not None:
        raise Stopped(run.guard.stopped)
    return result


async def _watch_disconnect(receive: Receive, guard: Guard) -> None:
    """Wait for the client to go (the body has been read); then stop the run."""
    while (await receive())["type"] != "http.disconnect":
        pass
    guard.stop(Stop.DISCONNECTED)
