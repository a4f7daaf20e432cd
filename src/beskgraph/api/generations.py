"""Work done once per store generation, and when each generation was loaded.

The graph changes only when it is loaded, so whatever is derived from all of it (a
dump file, the dataset description) is a function of the store's ``generation``. It
is computed once per generation and key; requests that arrive while it is being
computed wait for that computation instead of starting their own, and a limiter
bounds how many computations run at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Generic, TypeVar

import anyio
from anyio import to_thread

from beskgraph.store import Store

T = TypeVar("T")
PROBES = 8  # generations read at once


class LoadTimes:
    """When each generation was loaded, as far as this server can tell.

    The generation first seen is dated ``loaded`` (default: when this object was made, as
    the API is created right after the load); a later one when it is first seen. Only the
    latest is kept.
    """

    def __init__(self, loaded: dt.datetime | None = None) -> None:
        self._started = (loaded or _now()).replace(microsecond=0)
        self._latest: tuple[int, dt.datetime] | None = None

    def of(self, generation: int) -> dt.datetime:
        """The load time of ``generation`` (UTC, whole seconds)."""
        latest = self._latest
        if latest is not None and latest[0] == generation:
            return latest[1]
        when = self._started if latest is None else _now()
        if latest is None or generation > latest[0]:
            self._latest = (generation, when)
        return when


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class PerGeneration(Generic[T]):
    """Values computed once per (key, generation), in worker threads, shared by all callers.

    ``limiter`` bounds the computations running at once (others queue). The value of
    the newest generation is kept per key; ``replaced`` is called with each value that
    a newer one replaces, or that was outdated when it was done.
    """

    def __init__(self, limiter: anyio.CapacityLimiter, replaced: Callable[[T], None] | None = None) -> None:
        self._limiter = limiter
        self._replaced = replaced or (lambda _value: None)
        self._values: dict[str, tuple[int, T]] = {}
        self._flights: dict[tuple[str, int], asyncio.Future[T]] = {}
        self._probes = anyio.CapacityLimiter(PROBES)

    async def current(self, store: Store) -> int:
        """The store's generation, read in a worker thread (a remote store may ask its server)
        of a limiter of its own: never waiting for the threads other requests hold."""
        return await to_thread.run_sync(lambda: store.generation, limiter=self._probes)

    async def get(self, key: str, generation: int, compute: Callable[[], T]) -> T:
        """The value for ``key`` at ``generation``; ``compute`` runs only if none is kept or under way.

        A failed computation raises in every caller waiting for it and is not kept: the
        next call tries again. A caller that is cancelled leaves the computation running
        for the others.
        """
        held = self._values.get(key)
        if held is not None and held[0] == generation:
            return held[1]
        flight = self._flights.get((key, generation))
        if flight is None:
            flight = asyncio.ensure_future(self._compute(key, generation, compute))
            self._flights[(key, generation)] = flight
            flight.add_done_callback(lambda done: self._landed(key, generation, done))
        return await asyncio.shield(flight)

    async def _compute(self, key: str, generation: int, compute: Callable[[], T]) -> T:
        async with self._limiter:
            value = await to_thread.run_sync(compute)
        held = self._values.get(key)
        if held is None or generation >= held[0]:
            self._values[key] = (generation, value)
            if held is not None:
                self._replaced(held[1])
        else:
            self._replaced(value)
        return value

    def _landed(self, key: str, generation: int, flight: asyncio.Future[T]) -> None:
        self._flights.pop((key, generation), None)
        if not flight.cancelled():
            flight.exception()  # retrieved, so a failure nobody waited for is not logged as lost
