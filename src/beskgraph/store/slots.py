"""At most N queries running at once, a bounded first-come queue, and no early release.

A slot is taken by the thread that will start a query's child process and given back
by that same thread once the child is reaped: a request whose client went away cannot
free a slot while its query still runs. A remote store cannot stop a query, so the
thread hands its slot on (:meth:`Held.keep`) to what reads the store's answer, which
gives it back once the store has finished with the query.
A request that finds every slot taken waits in a queue of bounded length for a bounded
time; a full queue or a wait that times out raises :class:`Busy` (the API answers 503
with Retry-After). A waiting request whose client goes leaves the queue at once.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from beskgraph.store.errors import Busy, QueryCancelled

POLL = 0.05  # seconds between looks at the cancel flag while waiting


class QuerySlots:
    """``running`` slots; up to ``waiting`` callers queue, each for at most ``wait_timeout`` s."""

    def __init__(self, running: int, waiting: int, wait_timeout: float) -> None:
        if running < 1:
            raise ValueError("at least one query must be able to run")
        self.running, self.waiting, self.wait_timeout = running, waiting, wait_timeout
        self._lock = threading.Lock()
        self._free = running
        self._queue: deque[threading.Event] = deque()

    @property
    def busy(self) -> int:
        """Slots held now."""
        return self.running - self._free

    @property
    def queued(self) -> int:
        return len(self._queue)

    @contextmanager
    def hold(self, cancel: threading.Event | None = None) -> Iterator[Held]:
        """Hold a slot for the body of the ``with`` (or longer: ``Held.keep``); raises Busy or
        QueryCancelled."""
        self._acquire(cancel or threading.Event())
        held = Held(self._release)
        try:
            yield held
        finally:
            if not held.kept:
                self._release()

    def _acquire(self, cancel: threading.Event) -> None:
        with self._lock:
            if self._free and not self._queue:
                self._free -= 1
                return
            if len(self._queue) >= self.waiting:
                raise Busy(f"all {self.running} query slots are taken and {self.waiting} queries wait")
            ticket = threading.Event()
            self._queue.append(ticket)
        deadline = time.monotonic() + self.wait_timeout
        while not ticket.wait(POLL):
            gone, late = cancel.is_set(), time.monotonic() >= deadline
            if gone or late:
                with self._lock:
                    granted = ticket.is_set()
                    if not granted:
                        self._queue.remove(ticket)
                if granted:  # handed a slot just now: give it on
                    self._release()
                if gone:
                    raise QueryCancelled("the client went away while its query waited")
                raise Busy(f"no query slot became free within {self.wait_timeout:g} s")

    def _release(self) -> None:
        with self._lock:
            if self._queue:
                self._queue.popleft().set()  # handed over: the count stays
            else:
                self._free += 1


class Held:
    """One slot, held for the body of a ``with``, unless :meth:`keep` hands it on."""

    def __init__(self, release: Callable[[], None]) -> None:
        self._release = release
        self.kept = False

    def keep(self) -> Callable[[], None]:
        """Keep the slot past the ``with``; the function returned gives it back (once, on any thread)."""
        self.kept = True
        once = threading.Lock()

        def give_back() -> None:
            if once.acquire(blocking=False):
                self._release()

        return give_back
