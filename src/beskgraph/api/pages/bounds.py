"""Pages are built in worker threads under bounds like those of /sparql and /graphql.

At most ``max_concurrent_pages`` are built at once (a slot held by the thread that builds,
until it is done, so a page whose client got its 503 still counts while its store
queries run), ``max_waiting_pages`` wait first-come, and a page not ready within
``page_timeout`` seconds (waiting included) is a 503 with ``Retry-After``. A frozen
remote store used to hold a thread per page request for its 30 s read timeout, without
bound; now it holds at most the slots, and every other request is answered in time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import anyio
from anyio import to_thread
from starlette.applications import Starlette
from starlette.requests import Request

from beskgraph.api.settings import Settings
from beskgraph.store.slots import QuerySlots

T = TypeVar("T")


class PageRuns:
    """The slots and threads pages of one app are built with (made on first use)."""

    def __init__(self, settings: Settings) -> None:
        self.timeout = settings.page_timeout
        self.slots = QuerySlots(
            settings.max_concurrent_pages, settings.max_waiting_pages, settings.page_timeout
        )
        self.threads = anyio.CapacityLimiter(2 * settings.max_concurrent_pages + settings.max_waiting_pages)

    @classmethod
    def of(cls, app: Starlette) -> PageRuns:
        runs = getattr(app.state, "page_runs", None)
        if runs is None:
            runs = app.state.page_runs = cls(app.state.settings)
        return runs


async def bounded(request: Request, make: Callable[[], T]) -> T:
    """``make()`` in a worker thread within the bounds (see module doc); raises ``Busy`` when no
    slot is free in time, ``TimeoutError`` when the page is not ready in time."""
    runs = PageRuns.of(request.app)
    gone = threading.Event()  # set once nobody waits: a page still queued leaves the queue

    def run() -> T:
        with runs.slots.hold(gone):
            return make()

    try:
        with anyio.fail_after(runs.timeout):
            return await to_thread.run_sync(run, limiter=runs.threads, abandon_on_cancel=True)
    finally:
        gone.set()
