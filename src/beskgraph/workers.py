"""Map a function over items in forked worker processes that die with their parent.

Each worker takes one item at a time over its own pipe, so the parent always knows which
item every worker holds. The parent waits on the pipes and on the workers' sentinels
together: a worker that dies (the OOM killer, SIGKILL, a Ctrl-C that reached the workers
but not the parent) makes :func:`parallel_map` raise :class:`WorkerDied` naming its item
at once, where ``multiprocessing.Pool`` would wait for the lost task for ever.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

from .isolation.lifeline import bind_to_parent, name_process

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS_PER_WORKER = 4
PROCESS_NAME = "beskgraph-work"


class WorkerDied(Exception):
    """A worker process ended while it held ``item`` (``index`` in the items given)."""

    def __init__(self, index: int, item: object, exitcode: int | None) -> None:
        self.index = index
        self.item = item
        self.how = _how(exitcode)  # "was killed by SIGKILL", "exited with status 1"
        super().__init__(f"a worker process {self.how} while working on {item}")


def parallel_map(function: Callable[[T], R], items: Sequence[T], workers: int | None = None) -> list[R]:
    """``[function(i) for i in items]``, in forked worker processes when that pays.

    ``function`` and the data it closes over reach the workers by fork, not by pickling;
    only the items and the results are pickled. An exception ``function`` raises is
    raised here; a worker that dies raises :class:`WorkerDied`. A worker dies with this
    process (even one killed with SIGKILL) and takes default signal actions (Ctrl-C ends
    it quietly); when this call ends, for whatever reason, no worker is left.
    """
    workers = min(workers or os.cpu_count() or 1, len(items) // MIN_ITEMS_PER_WORKER)
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        return [function(item) for item in items]
    pool = [_Worker(function) for _ in range(workers)]
    try:
        return _run(pool, items)
    finally:
        for worker in pool:
            worker.stop()


class _Worker(Generic[T, R]):
    """One forked process and the parent's end of its pipe."""

    def __init__(self, function: Callable[[T], R]) -> None:
        self.conn, child = mp.Pipe()
        self.process: BaseProcess = mp.get_context("fork").Process(
            target=_serve, args=(function, child, os.getpid()), daemon=True
        )
        self.process.start()
        child.close()
        self.index: int | None = None  # of the item it holds

    def give(self, index: int, item: T) -> None:
        self.index = index
        self.conn.send((index, item))

    def stop(self) -> None:
        if self.index is None:
            with contextlib.suppress(OSError):
                self.conn.send(None)  # an idle worker ends when told
        else:
            self.process.kill()  # one still working (this call is failing) ends now
        self.conn.close()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _run(pool: list[_Worker[T, R]], items: Sequence[T]) -> list[R]:
    results: list[Any] = [None] * len(items)
    pending: Iterator[int] = iter(range(len(items)))
    for worker in pool:
        if (index := next(pending, None)) is not None:
            worker.give(index, items[index])
    while busy := [w for w in pool if w.index is not None]:
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
        for worker in busy:
            if worker.conn in ready or worker.process.sentinel in ready:
                done, result = _collect(worker, items)
                results[done] = result
                worker.index = None
                if (index := next(pending, None)) is not None:
                    worker.give(index, items[index])
    return results


def _collect(worker: _Worker[T, R], items: Sequence[T]) -> tuple[int, R]:
    """The index of the item ``worker`` sent a result for, and the result; raises what
    the function raised, or :class:`WorkerDied`."""
    assert worker.index is not None
    try:
        if worker.conn.poll():  # a result sent just before the worker ended still counts
            index, ok, value = worker.conn.recv()
            if not ok:
                raise value
            return int(index), value
    except (EOFError, OSError):
        pass
    worker.process.join(1)
    raise WorkerDied(worker.index, items[worker.index], worker.process.exitcode)


def _serve(function: Callable[[Any], Any], conn: Connection, parent_pid: int) -> None:
    """A worker's life: items in, results (or the exception) out, until told to stop."""
    bind_to_parent(parent_pid)
    name_process(PROCESS_NAME)
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        index, item = task
        try:
            reply = (index, True, function(item))
        except Exception as error:
            reply = (index, False, error)
        try:
            conn.send(reply)
        except Exception as error:  # a result or an exception that cannot be pickled
            conn.send((index, False, RuntimeError(f"{reply[2]!r} could not be sent back: {error}")))


def _how(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"was killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"was killed by signal {-exitcode}"
    return "ended" if exitcode is None else f"exited with status {exitcode}"
