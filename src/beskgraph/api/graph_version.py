"""A token naming what the server answers from: the graph's content, the code and the settings.

Between two loads every answer is a function of the request and of this token, so ETags
and the response cache are derived from it. Every named graph a build writes states the
digest of its content (``bg:graphDigest``), so the token is the digest of those digests,
of the code (the installed package's files) and of the settings: servers (or workers)
that hold the same graph and run the same code compute the same token, and a restart on
an unchanged graph keeps clients' and CDNs' validators valid. A store holding a named
graph without a digest (data not written by a build) gets a random token per generation:
never shared, so never wrong. Graphs derived from the others (aggregates) are left out: they
are a function of the source graphs and the code.

The token is computed again, with two SPARQL queries, when the store's ``generation``
changes. A token computed while the store was written (the generation moved meanwhile)
is used for that request only.

A remote store is asked in worker threads, within ``PROBE_TIMEOUT`` seconds (then
``StoreUnavailable``: the request is answered uncached, by its handler and its own
bounds) and at most ``PROBES`` at once, each counted until its thread is back: a frozen
store used to hold every request here for its 30 s read timeout.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import threading
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import TypeVar

import anyio
from anyio import to_thread

from beskgraph.api.settings import Settings
from beskgraph.derived import source_digests, sources_fingerprint
from beskgraph.store import RemoteStore, Store, StoreUnavailable

T = TypeVar("T")
PROBES = 4  # questions to a remote store about its version at once
PROBE_TIMEOUT = 3.0  # seconds (as /health's ping)


@cache
def code_digest() -> str:
    """SHA-256 of every file of the installed ``beskgraph`` package (names and contents)."""
    digest = hashlib.sha256()
    root = resources.files("beskgraph")
    todo = [root]
    while todo:
        folder = todo.pop()
        for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
            if item.is_dir():
                if item.name != "__pycache__":
                    todo.append(item)
            elif not item.name.endswith(".pyc"):
                digest.update(item.name.encode() + b"\0" + item.read_bytes())
    return digest.hexdigest()


def content_token(store: Store, salt: str) -> str:
    """The token of the store's current content (see module doc); blocking."""
    listed = sources_fingerprint(source_digests(store))
    if listed is None:
        return secrets.token_hex(16)
    return hashlib.sha256(f"{salt}\n{listed}".encode()).hexdigest()[:32]


class GraphVersion:
    """The current (generation, token) of one app's store."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self._salt = hashlib.sha256(f"{code_digest()}\n{settings!r}".encode()).hexdigest()
        self._held: tuple[int, str] | None = None
        self._probes = threading.BoundedSemaphore(PROBES)  # held by the threads that ask
        self._computing = asyncio.Lock()  # one computation at a time; the others take its result
        # A remote store may ask its server for its generation; the others answer at once.
        self._slow = isinstance(store, RemoteStore)

    async def current(self) -> tuple[int, str]:
        """The store's generation and the token of its content."""
        generation = await self._generation()
        held = self._held
        if held is not None and held[0] == generation:
            return held
        async with self._computing:
            held = self._held
            if held is not None and held[0] == generation:
                return held
            token = await self._ask(lambda: content_token(self.store, self._salt))
            if await self._generation() != generation:
                return generation, secrets.token_hex(16)  # written meanwhile: this request's own
            if held is None or held[0] <= generation:
                self._held = (generation, token)
            return generation, token

    async def _generation(self) -> int:
        if self._slow:
            return await self._ask(lambda: self.store.generation)
        return self.store.generation

    async def _ask(self, question: Callable[[], T]) -> T:
        """``question()`` in a worker thread, within the bounds of the module doc."""

        def ask() -> T:
            if not self._probes.acquire(blocking=False):
                raise StoreUnavailable(f"the store has not answered the last {PROBES} questions yet")
            try:
                return question()
            finally:
                self._probes.release()

        try:
            with anyio.fail_after(PROBE_TIMEOUT):
                return await to_thread.run_sync(ask, abandon_on_cancel=True)
        except TimeoutError:
            raise StoreUnavailable(f"the store did not answer within {PROBE_TIMEOUT:g} s") from None
