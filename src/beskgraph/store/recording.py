"""Recording the SPARQL text of the store queries run in a context."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_QUERY_LOGS: ContextVar[tuple[list[str], ...]] = ContextVar("beskgraph_query_logs", default=())


@contextmanager
def record_queries() -> Iterator[list[str]]:
    """Collect the SPARQL text of every store query run in this context.

    Context variables are copied into asyncio tasks and into threads started with
    ``anyio.to_thread`` / ``asyncio.to_thread`` / ``contextvars.copy_context().run``,
    so queries made there are recorded too. Recorders nest: outer logs see inner queries.
    """
    log: list[str] = []
    token = _QUERY_LOGS.set((*_QUERY_LOGS.get(), log))
    try:
        yield log
    finally:
        _QUERY_LOGS.reset(token)


def note_query(query: str) -> None:
    """Report one query to every active recorder (called by the stores)."""
    for log in _QUERY_LOGS.get():
        log.append(query)
