"""Complete responses kept in memory, least recently used first out, bounded by their bytes.

Entries belong to one version of the graph (``(generation, token)``, see
``beskgraph.api.graph_version``): the first entry of a newer generation empties the
cache, and an entry of an older one (a request that started before a load and ended
after it) is not kept. An entry holds the body once per content coding it was asked in.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

Version = tuple[int, str]  # (store generation, content token)
ENTRY_OVERHEAD = 200  # bytes an entry costs besides its bodies and headers (key, objects)


@dataclass
class Entry:
    """A response: status, headers (without Content-Length and Content-Encoding), bodies by coding."""

    status: int
    headers: list[tuple[bytes, bytes]]
    bodies: dict[str | None, bytes] = field(default_factory=dict)  # None: identity

    @property
    def size(self) -> int:
        return (
            ENTRY_OVERHEAD
            + sum(len(k) + len(v) for k, v in self.headers)
            + sum(len(body) for body in self.bodies.values())
        )


class ResponseCache:
    """At most ``max_bytes`` of entries (see module doc); not thread-safe (one event loop)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = self.misses = 0
        self._entries: OrderedDict[bytes, Entry] = OrderedDict()
        self._version: Version | None = None

    def get(self, version: Version, key: bytes) -> Entry | None:
        """The entry for ``key`` at ``version``, now the most recently used."""
        entry = self._entries.get(key) if version == self._version else None
        if entry is None:
            self.misses += 1
            return None
        self.hits += 1
        self._entries.move_to_end(key)
        return entry

    def put(self, version: Version, key: bytes, entry: Entry) -> None:
        """Keep ``entry`` unless it belongs to an older generation or could never fit."""
        if self._version is None or version[0] > self._version[0]:
            self.clear()
            self._version = version
        elif version != self._version:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= old.size
        if entry.size > self.max_bytes:
            return
        self._entries[key] = entry
        self.size += entry.size
        self._evict()

    def add_body(self, version: Version, key: bytes, coding: str | None, body: bytes) -> None:
        """Keep the body of a cached entry in one more coding."""
        entry = self._entries.get(key) if version == self._version else None
        if entry is not None and coding not in entry.bodies:
            entry.bodies[coding] = body
            self.size += len(body)
            self._evict()

    def clear(self) -> None:
        self._entries.clear()
        self.size = 0

    def __len__(self) -> int:
        return len(self._entries)

    def _evict(self) -> None:
        while self.size > self.max_bytes and self._entries:
            _key, entry = self._entries.popitem(last=False)
            self.size -= entry.size
