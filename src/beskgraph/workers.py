"""Map a function over items in forked worker processes that die with their parent."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar

from .isolation.lifeline import bind_to_parent

T = TypeVar("T")
R = TypeVar("R")


def parallel_map(function: Callable[[T], R], items: Sequence[T], workers: int | None = None) -> list[R]:
    """``[function(i) for i in items]``, in forked worker processes when that pays.

    ``function`` and the data it closes over reach the workers by fork, not by pickling;
    only the items and the results are pickled. A worker dies with this process (even
    one killed with SIGKILL) and takes default signal actions (Ctrl-C ends it quietly).
    """
    workers = min(workers or os.cpu_count() or 1, len(items) // MIN_ITEMS_PER_WORKER)
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        return [function(item) for item in items]
    _FORKED[id(function)] = function
    try:
        with mp.get_context("fork").Pool(workers, bind_to_parent, (os.getpid(),)) as pool:
            chunksize = max(1, min(64, len(items) // (workers * 8)))
            return pool.map(partial(_call_forked, id(function)), items, chunksize)
    finally:
        del _FORKED[id(function)]


MIN_ITEMS_PER_WORKER = 4
_FORKED: dict[int, Callable[[Any], Any]] = {}


def _call_forked(key: int, item: Any) -> Any:
    return _FORKED[key](item)
