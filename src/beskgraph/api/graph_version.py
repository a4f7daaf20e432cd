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
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from functools import cache
from importlib import resources

from anyio import CapacityLimiter, to_thread

from beskgraph.api.settings import Settings
from beskgraph.derived import source_digests, sources_fingerprint
from beskgraph.store import RemoteStore, Store


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
        self._probes = CapacityLimiter(4)
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
            token = await to_thread.run_sync(content_token, self.store, self._salt, limiter=self._probes)
            if await self._generation() != generation:
                return generation, secrets.token_hex(16)  # written meanwhile: this request's own
            if held is None or held[0] <= generation:
                self._held = (generation, token)
            return generation, token

    async def _generation(self) -> int:
        if self._slow:
            return await to_thread.run_sync(lambda: self.store.generation, limiter=self._probes)
        return self.store.generation
