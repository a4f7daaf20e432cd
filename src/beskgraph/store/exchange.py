"""One query sent to a remote store, its answer read in a thread of its own.

The store cannot be told to stop a query (SPARQL has no way; Oxigraph stops one only
at its own ``--timeout-s``, and not always then). Whoever waits for the answer may give
up (the query's time limit, the client gone) and answer its client at once, but the
store goes on working: the exchange then keeps reading, and dropping, the answer until
the store has finished, and only then gives back what it was given (a query slot). So
the slots bound what the store runs, not only what this server waits for.

A store that never finishes would keep its slot for ever, and four such queries would
close the endpoint until the store restarts. The exchange ends at a ceiling instead
(seconds from the start; a setting), as a proxy ends an upstream request: it closes the
connection, the store stops at its next write if it was streaming, and the slot is
free. A store computing without writing (a COUNT, a sort) goes on until its own limit;
that is why the store also needs limits of its own (docs/security-sparql.md).
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable

import httpx

from beskgraph.store.errors import QueryTimeout, ResultTooLarge, StoreError, StoreUnavailable

POLL = 0.05  # seconds between looks at the cancel flag while waiting


class Exchange:
    """``send(read_timeout)`` opens the streamed answer; :meth:`wait` for it or :meth:`abandon` it."""

    def __init__(
        self,
        send: Callable[[float | None], httpx.Response],
        url: str,
        max_bytes: int | None,
        ceiling: float | None,
    ) -> None:
        self._send, self._url, self._max_bytes, self._ceiling = send, url, max_bytes, ceiling
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._chunks: list[bytes] = []
        self._media = ""
        self._error: StoreError | None = None
        self._abandoned = False
        self._then: Callable[[], None] | None = None
        context = contextvars.copy_context()  # query recorders (``record_queries``) see the query
        threading.Thread(target=context.run, args=(self._read,), name="bg-store-answer", daemon=True).start()

    def wait(self, timeout: float | None, cancel: threading.Event | None) -> tuple[bytes, str] | None:
        """The whole answer and its media type; None if ``timeout`` passed or ``cancel`` was set first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._done.wait(POLL):
            late = deadline is not None and time.monotonic() >= deadline
            if late or (cancel is not None and cancel.is_set()):
                return None
        if self._error is not None:
            raise self._error
        return b"".join(self._chunks), self._media

    def abandon(self, then: Callable[[], None] | None) -> None:
        """Nobody waits any more: drop the answer as it comes; ``then()`` once the store is done."""
        with self._lock:
            self._abandoned = True
            self._chunks.clear()
            if not self._done.is_set():
                self._then = then
                return
        if then is not None:
            then()

    def _read(self) -> None:
        started = time.monotonic()
        try:
            response = self._send(self._ceiling)
            try:
                self._media = response.headers.get("content-type", "")
                self._take(response, started)
            finally:
                response.close()  # early: a store still writing stops at its next write
        except httpx.TimeoutException:
            self._error = StoreUnavailable(f"SPARQL store at {self._url} did not answer in time")
        except httpx.TransportError as exc:
            self._error = StoreUnavailable(f"SPARQL store at {self._url} failed: {exc}")
        except StoreError as exc:
            self._error = exc
        except Exception as exc:  # a fault: reported to whoever waits, not lost with this thread
            self._error = StoreError(f"reading the answer of the SPARQL store at {self._url} failed: {exc!r}")
        finally:
            with self._lock:
                self._done.set()
                then, self._then = self._then, None
                if self._abandoned:
                    self._chunks.clear()
            if then is not None:
                then()

    def _take(self, response: httpx.Response, started: float) -> None:
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if self._max_bytes is not None and size > self._max_bytes:
                raise ResultTooLarge(f"query result exceeded {self._max_bytes} bytes")
            if self._ceiling is not None and time.monotonic() - started > self._ceiling:
                raise QueryTimeout(f"the store was still answering after {self._ceiling:g} s")
            with self._lock:
                if not self._abandoned:
                    self._chunks.append(chunk)
