"""Batching with a cache: keys asked for in one turn of the event loop are loaded by one call.

Unlike a DataLoader, a caller waits on one future for all its keys, not one per key:
the planner asks for a whole level at once, and hundreds of per-key futures cost more
than the query they wait for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Batcher(Generic[K, V]):
    """Loads keys with ``load(keys) -> {key: value}``; a key it leaves out has no value."""

    def __init__(self, load: Callable[[list[K]], Awaitable[dict[K, V]]]) -> None:
        self._load = load
        self._cache: dict[K, V] = {}
        self._done: set[K] = set()
        self._inflight: dict[K, asyncio.Future[None]] = {}
        self._pending: list[K] = []
        self._open: asyncio.Future[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()  # loads running (kept so they are not collected)

    async def get(self, keys: Iterable[K]) -> dict[K, V]:
        """The values of ``keys`` (those that have one), loading those not loaded yet."""
        wanted = list(dict.fromkeys(keys))
        waits: set[asyncio.Future[None]] = set()
        for key in wanted:
            if key in self._done:
                continue
            future = self._inflight.get(key)
            if future is None:
                future = self._inflight[key] = self._batch()
                self._pending.append(key)
            waits.add(future)
        for future in waits:
            await future
        return {key: self._cache[key] for key in wanted if key in self._cache}

    def _batch(self) -> asyncio.Future[None]:
        if self._open is None:
            loop = asyncio.get_running_loop()
            self._open = loop.create_future()
            loop.call_soon(self._flush)
        return self._open

    def _flush(self) -> None:
        keys, future = self._pending, self._open
        self._pending, self._open = [], None
        if future is not None:
            task = asyncio.ensure_future(self._run(keys, future))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, keys: list[K], future: asyncio.Future[None]) -> None:
        try:
            self._cache.update(await self._load(keys))
            self._done.update(keys)
            future.set_result(None)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no warning when every waiter has gone
        finally:
            for key in keys:
                self._inflight.pop(key, None)
