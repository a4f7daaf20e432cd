"""Long sections of a node page, a page of rows at a time.

A section (the links that point to a node, a municipality's interventions, …) shows at
most ``Settings.page_rows`` rows; its query parameter picks the page (``?incoming=2``).
The store counts the rows and returns only the page's keys (``LIMIT``/``OFFSET`` over a
total order, so pages never overlap). A page number that is not a whole number from 1 to
the last page is the client's error: :class:`BadPage`, a 400.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlencode

from beskgraph.api.pages import queries as q
from beskgraph.store import Row, Store, as_int


class BadPage(ValueError):
    """A page number the section does not have."""

    def __init__(self, parameter: str, value: str, pages: int | None = None) -> None:
        within = f"1 til {pages}" if pages else "et helt tal fra 1"
        super().__init__(f"?{parameter}={value!r} er ikke et sidetal; brug {within}.")


@dataclass(frozen=True)
class Asked:
    """What the request asks of a page: its path and parameters, and the rows a section shows."""

    path: str
    query: dict[str, str]
    rows: int


@dataclass(frozen=True)
class Window:
    """One page of a section: its number, its size and the section's total."""

    parameter: str  # the query parameter naming the page
    anchor: str  # the section's id, where page links land
    number: int
    size: int
    total: int
    path: str = ""
    query: tuple[tuple[str, str], ...] = ()  # the request's other parameters, kept in links

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def first(self) -> int:
        """1-based position of the page's first row (0 when the section is empty)."""
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.offset + self.size, self.total)

    def href(self, number: int) -> str:
        """The link to page ``number`` of this section, the other sections' pages kept."""
        params = [(k, v) for k, v in self.query if k != self.parameter]
        if number > 1:
            params.append((self.parameter, str(number)))
        return f"{self.path}?{urlencode(params)}#{self.anchor}" if params else f"{self.path}#{self.anchor}"


def requested(query: dict[str, str], parameter: str) -> int:
    """The page number the request asks for (1 when absent)."""
    raw = query.get(parameter)
    if raw is None:
        return 1
    if len(raw) > 9 or not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise BadPage(parameter, raw)
    return int(raw)


def window(store: Store, keys: str, section: tuple[str, str], asked: Asked, **iris: str) -> Window:
    """The requested page of the rows of ``keys`` (a ``queries.*_KEYS`` query), counted by the store.

    ``section`` is the page's query parameter and the section's id.
    """
    parameter, anchor = section
    number = requested(asked.query, parameter)
    total = as_int(store.select(q.counted(keys, **iris))[0]["n"])
    found = Window(
        parameter, anchor, number, max(1, asked.rows), total, asked.path, tuple(asked.query.items())
    )
    if number > found.pages:
        raise BadPage(parameter, str(number), found.pages)
    return found


def page_rows(store: Store, keys: str, found: Window, **iris: str) -> list[Row]:
    """The rows of ``keys`` on the page ``found``."""
    return store.select(q.paged(keys, found.size, found.offset, **iris)) if found.total else []


def paged_keys(
    store: Store, keys: str, section: tuple[str, str], asked: Asked, **iris: str
) -> tuple[list[str], Window]:
    """The keys (the first variable of ``keys``) on the requested page, and the page."""
    found = window(store, keys, section, asked, **iris)
    return [str(next(iter(row.values()))) for row in page_rows(store, keys, found, **iris)], found
