"""Run a function on a thread with a large stack, so deep recursion is an answer, not a crash."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
DEEP_STACK = 256 << 20  # bytes of address space; only the pages used are ever committed
# What two deep-stack threads in a row may map at once: a thread's stack is unmapped only once
# the thread has fully exited, which can be after join() returned and the next one started
# (measured: 9 to 255 of 300 back-to-back pairs failed to start with room for one deep stack).
TWO_DEEP_STACKS = 2 * DEEP_STACK


def call_with_stack(
    function: Callable[[], T], *, recursion_limit: int | None = None, stack_bytes: int = DEEP_STACK
) -> T:
    """``function()`` on a fresh thread with ``stack_bytes`` of stack and at least
    ``recursion_limit`` Python frames; its exception is raised here."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(function())
        except BaseException as exc:
            failure.append(exc)

    previous_limit = sys.getrecursionlimit()
    if recursion_limit and recursion_limit > previous_limit:
        sys.setrecursionlimit(recursion_limit)
    previous_size = threading.stack_size(stack_bytes)
    try:
        thread = threading.Thread(target=run, name="deep-stack", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous_size)
    try:
        thread.join()
    finally:
        if sys.getrecursionlimit() != previous_limit:
            sys.setrecursionlimit(previous_limit)
    if failure:
        raise failure[0]
    return outcome[0]
