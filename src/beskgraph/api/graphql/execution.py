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
its memory is released. A run caught in a store query that cannot be interrupted is
abandoned (see :func:`run_guarded`): its client is answered on time, and it holds its
slot until it ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import warnings
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar, cast

import anyio
import strawberry
from anyio import CapacityLimiter
from graphql import (
    DocumentNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
)
from graphql.pyutils import Path, gather_with_cancel
from starlette.types import Receive
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import ExecutionContext

from beskgraph.api.graphql.errors import log_faults
from beskgraph.api.graphql.fields import Failed

T = TypeVar("T")
LEAF_OVERHEAD = 8  # bytes a leaf costs in the response besides its text (key, quotes, comma)
GRACE = 0.5  # seconds a stopped run may take to end before its request stops waiting for it

# A stopped run leaves coroutines the executor had made but not yet awaited; their
# warnings would fill the log with one line each for every query stopped.
warnings.filterwarnings(
    "ignore", r"coroutine '(Executor|ExecutionContext|GraphQLCoreConverter)\.", RuntimeWarning
)


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
        task = asyncio.current_task()
        assert task is not None  # called from within the run's coroutine
        with self._lock:
            self._run = asyncio.get_running_loop(), task
            if self.stopped is not None:
                task.cancel()

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

    def charge_object(self, count: int = 1) -> None:
        """Count objects about to be completed, before their fields are resolved (the planner
        counts a level's nodes before it loads their records). Past the budget, or once
        stopped, abort the run here: graphql-core completes thousands of objects without an
        await, where a cancellation would wait (seconds)."""
        self.objects += count
        if self.objects > self.max_objects:
            self.exceeded = self.exceeded or f"{self.max_objects} objects"
            self.stop(Stop.TOO_LARGE)
        self._abort_if_stopped()

    def _abort_if_stopped(self) -> None:
        if self.stopped is not None:
            raise asyncio.CancelledError  # not an Exception: no resolver error handling catches it


def current_guard() -> Guard | None:
    """The guard of the run this code is part of (None outside :func:`run_guarded`)."""
    run = _RUN.get(None)
    return run.guard if run is not None else None


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
    (they take ~5 KB each in memory, whatever fields are asked); node objects are
    charged by the planner, which builds them (``PRECHARGED``).

    A leaf read from a plain attribute (a scalar of a node, built from its record) is
    completed here in a few steps: no resolve info, no resolver call. Anything unusual
    (no value, a value that does not serialise) takes graphql-core's own way, which
    reports it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        run = _RUN.get(None)
        self.guard = run.guard if run is not None else None
        self._plans: dict[int, tuple[Any, list[tuple[str, Any, Any]]]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        """graphql-core's ``execute_fields``, with the fields of a prefetched object (see
        ``fields.fast``) completed here: a scalar from its attribute, an object field from
        what the planner attached for its response key, without resolve info, arguments or a
        resolver call. Any other field, and any value the fast way cannot complete, goes
        through graphql-core's ``execute_field``."""
        prefetched = getattr(source_value, "_prefetched", None)
        if prefetched is None:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        attributes = source_value.__dict__
        try:
            for response_name, field_details_list, step in self._plan(parent_type, grouped_field_set):
                if step is not None and step[0] is _LEAF:  # the common case, inline
                    value = attributes.get(step[1], _SLOW)
                    if value is _SLOW:
                        value = getattr(source_value, step[1], None)  # read from the record once
                    if value is None:
                        if not step[3]:
                            results[response_name] = None
                            continue
                    else:
                        serialized = self._leaf(step[2], value)
                        if serialized is not _SLOW:
                            results[response_name] = serialized
                            continue
                elif step is not None:
                    result = self._fast(
                        step,
                        response_name,
                        field_details_list,
                        parent_type,
                        path,
                        prefetched,
                        position_context,
                    )
                    if result is not _SLOW:
                        results[response_name] = result
                        if result is not None and type(result) is not dict and self.is_awaitable(result):
                            awaitable_fields.append(response_name)
                        continue
                result = self.execute_field(
                    parent_type,
                    source_value,
                    field_details_list,
                    Path(path, response_name, parent_type.name),
                    position_context,
                )
                if result is not Undefined:
                    results[response_name] = result
                    if self.is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[name] for name in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            awaited = await gather_with_cancel(*(results[name] for name in awaitable_fields))
            results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

    def _fast(
        self,
        step: tuple[Any, ...],
        response_name: str,
        field_details_list: Any,
        parent_type: GraphQLObjectType,
        path: Path | None,
        prefetched: dict[str, Any],
        position_context: Any,
    ) -> Any:
        """``__typename``, or an object field the planner attached (``_SLOW``: graphql-core's way)."""
        if step[0] is _TYPENAME:
            return parent_type.name
        value = prefetched.get(response_name, _SLOW)
        if value is _SLOW or value is None or isinstance(value, Failed):
            return _SLOW
        if step[2] is not None:  # a scalar the planner attached (a connection's totalCount)
            return self._leaf(step[2], value)
        if not _completable(value):
            return _SLOW
        field_type = step[1].type
        field_path = Path(path, response_name, parent_type.name)
        try:
            completed = self._complete(field_type, field_details_list, field_path, value, position_context)
        except Exception as raw_error:
            self.handle_field_error(raw_error, field_type, field_details_list, field_path)
            return None
        if not self.is_awaitable(completed):
            return completed

        async def await_completed() -> Any:
            try:
                return await completed
            except Exception as raw_error:
                self.handle_field_error(raw_error, field_type, field_details_list, field_path)
                return None

        return await_completed()

    def _leaf(self, serialize: Any, value: Any) -> Any:
        try:
            serialized = serialize(value)
        except Exception:
            return _SLOW
        if serialized is None or serialized is Undefined:
            return _SLOW
        if self.guard is not None:
            self.guard.charge(LEAF_OVERHEAD + (len(serialized) if type(serialized) is str else 0))
        return serialized

    def _complete(
        self, return_type: Any, field_details_list: Any, path: Path, value: Any, position_context: Any
    ) -> Any:
        """Complete a prefetched object or list of them (checked by ``_completable``): its fields
        by ``execute_fields``, with no resolve info or type check (the planner built it)."""
        if isinstance(return_type, GraphQLNonNull):
            return_type = return_type.of_type
        if isinstance(return_type, GraphQLList):
            items = [
                self._complete(
                    return_type.of_type, field_details_list, Path(path, index, None), item, position_context
                )
                for index, item in enumerate(value)
            ]
            waiting = [index for index, item in enumerate(items) if self.is_awaitable(item)]
            if not waiting:
                return items

            async def gather_items() -> list[Any]:
                awaited = await gather_with_cancel(*(items[index] for index in waiting))
                for index, item in zip(waiting, awaited, strict=True):
                    items[index] = item
                return items

            return gather_items()
        runtime = (  # an interface's: the object type named as the object's class (the planner's)
            return_type
            if isinstance(return_type, GraphQLObjectType)
            else cast(GraphQLObjectType, self.schema.get_type(type(value).__name__))
        )
        if self.guard is not None and runtime.name not in PRECHARGED:
            self.guard.charge_object()
        grouped_field_set = self.collect_subfields(runtime, field_details_list)[0]
        return self.execute_fields(runtime, value, path, grouped_field_set, position_context)

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> list[tuple[str, Any, Any]]:
        """For each response key: its fields and how to complete it fast (None: graphql-core's way)."""
        found = self._plans.get(id(grouped_field_set))
        if found is None:
            middleware = self.middleware_manager is not None and self.middleware_manager.middlewares
            steps = [
                (name, details, None if middleware else _step(parent_type, details[0].node.name.value))
                for name, details in grouped_field_set.items()
            ]
            found = self._plans[id(grouped_field_set)] = (grouped_field_set, steps)  # kept: its id stays
        return found[1]

    def complete_object_value(self, return_type: GraphQLObjectType, *args: Any, **kwargs: Any) -> Any:
        if self.guard is not None and return_type.name not in PRECHARGED:
            self.guard.charge_object()
        return super().complete_object_value(return_type, *args, **kwargs)

    def complete_leaf_value(self, return_type: GraphQLLeafType, result: Any) -> Any:  # type: ignore[override]  # graphql-core types result as Any; the override narrows nothing
        value = super().complete_leaf_value(return_type, result)
        if self.guard is not None:
            self.guard.charge(LEAF_OVERHEAD + (len(value) if isinstance(value, str) else 0))
        return value


PRECHARGED: set[str] = set()  # object types whose objects the planner charges as it builds them
_SLOW = object()  # "complete this field graphql-core's way"
_TYPENAME, _LEAF, _PREFETCHED = object(), object(), object()


def _completable(value: Any) -> bool:
    """A prefetched object, or a list of them, that ``_complete`` can complete."""
    if isinstance(value, list):
        return all(item is not None and hasattr(item, "_prefetched") for item in value)
    return hasattr(value, "_prefetched")


_STEPS: dict[tuple[GraphQLObjectType, str], tuple[Any, ...] | None] = {}  # fields of a schema, read once


def _step(parent_type: GraphQLObjectType, name: str) -> tuple[Any, ...] | None:
    """How to complete a field fast (see ``_read_step``), read once per field."""
    key = (parent_type, name)
    if key not in _STEPS:
        _STEPS[key] = _read_step(parent_type, name)
    return _STEPS[key]


def _read_step(parent_type: GraphQLObjectType, name: str) -> tuple[Any, ...] | None:
    """How to complete a field fast: ``(_TYPENAME,)``; ``(_LEAF, attribute, serialise, non-null)``
    for a scalar or enum strawberry reads from a plain attribute; ``(_PREFETCHED, field, serialise
    or None)`` for a field whose value the planner attaches; None for any other field."""
    if name == "__typename":
        return (_TYPENAME,)
    field = parent_type.fields.get(name)
    if field is None:
        return None
    non_null = isinstance(field.type, GraphQLNonNull)
    named = field.type.of_type if non_null else field.type
    if getattr(field.resolve, "prefetched", False):
        leaf = isinstance(named, (GraphQLScalarType, GraphQLEnumType))
        return (_PREFETCHED, field, named.serialize if leaf else None)
    if not getattr(field.resolve, "_is_default", False) or field.args:
        return None
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(named, (GraphQLScalarType, GraphQLEnumType)) or definition is None:
        return None
    return (_LEAF, definition.python_name, named.serialize, non_null)


class GuardedSchema(strawberry.Schema):
    """A strawberry schema that runs prepared documents under a guard (see module doc)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            **kwargs, extensions=[PreparedDocument], execution_context_class=GuardedExecutionContext
        )

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Only faults are logged here, with their traceback; the HTTP layer logs the rest."""
        log_faults(errors)


async def run_guarded(
    execute: Callable[[], Awaitable[T]], run: Run, timeout: float, receive: Receive, limiter: CapacityLimiter
) -> T:
    """``await execute()`` on a loop of its own in a worker thread (at most ``limiter`` at
    once); ``Stopped`` when the time limit (queueing included), the client's disconnect or
    the response budget stopped it.

    A run stopped in the middle of a store query (which cannot be interrupted) is waited for
    :data:`GRACE` seconds past the time limit, then abandoned: the client is answered on
    time, and the run keeps its slot of ``limiter`` until the store answers and it ends, so
    abandoned runs never number more than the slots (later requests wait, to their limit).
    """
    guard = run.guard
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    timer = loop.call_later(timeout, guard.stop, Stop.TIMEOUT)
    watcher = asyncio.ensure_future(_watch_disconnect(receive, guard))
    slot = object()  # the run's claim on ``limiter``, given back by its thread when it ends
    try:
        acquired = False
        with anyio.move_on_after(timeout):
            await limiter.acquire_on_behalf_of(slot)
            acquired = True
        if not acquired:
            raise Stopped(guard.stopped or Stop.TIMEOUT)
        ended: asyncio.Future[T] = loop.create_future()
        ended.add_done_callback(lambda f: f.cancelled() or f.exception())  # read even if abandoned
        threading.Thread(
            target=_run_in_thread,
            args=(execute, run, loop, ended, limiter, slot),
            name="graphql-run",
            daemon=True,
        ).start()
        try:
            return await asyncio.wait_for(asyncio.shield(ended), deadline - loop.time() + GRACE)
        except TimeoutError:
            raise Stopped(guard.stopped or Stop.TIMEOUT) from None
    finally:
        timer.cancel()
        watcher.cancel()


def _run_in_thread(
    execute: Callable[[], Awaitable[T]],
    run: Run,
    loop: asyncio.AbstractEventLoop,
    ended: asyncio.Future[T],
    limiter: CapacityLimiter,
    slot: object,
) -> None:
    """The run, in a thread of its own (always started, unlike a pooled worker's queued job);
    its outcome and its slot go back to the server's loop when it ends."""
    outcome: tuple[Any, BaseException | None]
    try:
        outcome = (_run_on_own_loop(execute, run), None)
    except BaseException as exc:  # handed to the request, which raises it (if it still waits)
        outcome = (None, exc)

    def settle() -> None:
        limiter.release_on_behalf_of(slot)
        if not ended.done():
            if outcome[1] is None:
                ended.set_result(outcome[0])
            else:
                ended.set_exception(outcome[1])

    with contextlib.suppress(RuntimeError):  # the server's loop has closed: nobody waits
        loop.call_soon_threadsafe(settle)


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
        raise Stopped(run.guard.stopped) from None
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
