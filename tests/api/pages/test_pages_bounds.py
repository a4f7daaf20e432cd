"""Pages are built within bounds, as /sparql and /graphql answer: a frozen store holds at most
``max_concurrent_pages`` threads, and every page request is answered within ``page_timeout``."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from starlette.applications import Starlette

from beskgraph.api.app import create_app
from beskgraph.api.settings import Settings
from beskgraph.store import RemoteStore
from tests.support import http

CLIENTS = 24


class FrozenServer:
    """Accepts connections and never answers; counts them (each is a thread of the server, stuck)."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.accepted.append(self.listener.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        self.listener.close()
        for connection in self.accepted:  # reset: the threads waiting on them end
            connection.close()


@pytest.fixture
def frozen() -> Iterator[FrozenServer]:
    server = FrozenServer()
    yield server
    server.close()


def test_a_frozen_store_holds_at_most_the_page_slots(
    serve_app: Callable[[Starlette], str], frozen: FrozenServer
) -> None:
    settings = Settings(max_concurrent_pages=2, max_waiting_pages=2, page_timeout=2.0)
    store = RemoteStore(f"http://127.0.0.1:{frozen.listener.getsockname()[1]}/query")  # 30 s read timeout
    base = serve_app(create_app(store, settings=settings))
    answers: list[tuple[int, float, str, str]] = []

    def visit(path: str) -> None:
        started = time.monotonic()
        response = http.get(base + path, headers={"Accept": "text/html"}, timeout=60)
        answers.append(
            (
                response.status_code,
                time.monotonic() - started,
                response.headers.get("retry-after", ""),
                response.text,
            )
        )

    clients = [
        threading.Thread(target=visit, args=(path,))
        for path in ["/", "/timeline", "/compare", "/search?q=job"] * (CLIENTS // 4)
    ]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    assert len(answers) == CLIENTS
    assert {status for status, *_ in answers} == {503}
    assert max(seconds for _, seconds, *_ in answers) < 10  # not the store's 30 s read timeout
    assert {retry for _, _, retry, _ in answers} == {"2"}
    assert all("Prøv igen om 2 s" in text for *_, text in answers)
    # Each connection is a server thread waiting for the store (none has timed out yet): at most
    # the 4 questions about the graph's version (HTTP caching) and the 2 pages being built.
    # It was a thread per request, each held for 30 s.
    assert 1 <= len(frozen.accepted) <= 4 + 2
    store.close()
