"""Tables flattened column by column by the PDF extraction, rebuilt cell by cell.

The extraction prints a table as its header words (``Tilbud``, ``Formål``, ``Status``),
each followed by that column's lines. The first column's lines are the row names; every
other column is cut into cells where a line starts with a capital letter, or where a
line that cannot open a sentence (``16 måneders ledighed.``) follows a finished one: a
cell that has ended its sentence does not go on with a fragment, so the fragment opens
the next cell. Where that gives too many cells, the cut that best matches each cell to
its row (shared words with the row's name and its other cells) wins. A table running
onto the next page continues there without its header: its row names first, then each
column's cells in turn, told apart by the words each column used on the page before.
Every cell keeps the span of its own lines.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..text import Span
from .layout import Classified, Kind
from .stitch import stitch

HEADER_WORDS = {
    "tilbud",
    "formål",
    "status",
    "indsats",
    "målgruppe",
    "beskrivelse",
    "tidsplan",
    "frist",
    "ansvarlig",
    "aktivitet",
    "periode",
    "bemærkninger",
    "initiativ",
    "tiltag",
}
SECTION = re.compile(r"^[A-H]\)\s")
MAX_CUTS = 20_000  # ways of cutting a column weighed at most
_STOP = {
    "og",
    "til",
    "der",
    "som",
    "for",
    "med",
    "fra",
    "har",
    "at",
    "af",
    "en",
    "et",
    "de",
    "den",
    "det",
    "er",
    "på",
    "i",
    "om",
    "eller",
}


@dataclass(frozen=True)
class Cell:
    text: str
    span: Span


@dataclass(frozen=True)
class Row:
    name: Cell
    cells: dict[str, Cell]  # by lower-cased column header


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    span: Span


def _cell(lines: list[Classified]) -> Cell:
    text = stitch([c.line for c in lines], 10**6)
    return Cell(text.text.replace("\n", " "), text.span(0, len(text.text)))


def _words(text: str) -> set[str]:
    return {w[:6] for w in re.findall(r"[a-zæøå0-9]+", text.lower()) if w not in _STOP}


def _starts(lines: list[Classified]) -> list[int]:
    """Lines that may open a cell: capitalised ones, and every forced start."""
    forced = set(_forced(lines))
    return [i for i, c in enumerate(lines) if i in forced or re.match(r"[A-ZÆØÅ\"']", c.text)] or [0]


def _forced(lines: list[Classified]) -> list[int]:
    """Lines that must open a cell: a fragment that cannot open a sentence (it begins with
    a digit or a small letter) after a line that ends one."""
    return [
        i
        for i in range(1, len(lines))
        if lines[i - 1].text.endswith((".", "!", "?")) and re.match(r"[0-9a-zæøå]", lines[i].text)
    ]


def _refers_back(previous: str, text: str) -> bool:
    """Does ``text`` open with the definite form of a noun just used (``Tilbud`` ->
    ``Tilbuddet bruges …``)? Then it continues the cell before it."""
    first = re.match(r"[A-ZÆØÅ][a-zæøå]+", text)
    if first is None or not re.search(r"(?:et|en)$", first.group(0)):
        return False
    stem = first.group(0)[:-2].lower()
    stem = stem[:-1] if len(stem) > 3 and stem[-1] == stem[-2] else stem
    return bool(re.search(rf"\b{re.escape(stem)}\b", previous.lower()))


def _best_cut(
    lines: list[Classified], count: int, score: Callable[[list[list[Classified]]], int]
) -> list[list[Classified]] | None:
    """``lines`` cut into ``count`` cells at lines that may open one, every forced start
    among the cuts (unless there are more of them than cuts), the best by ``score``; None
    when the lines cannot make ``count`` cells or there are too many ways to weigh."""
    starts, forced = _starts(lines), set(_forced(lines))
    if starts[0] != 0:
        starts = [0, *starts]
    if not 0 < count <= len(starts) or math.comb(len(starts) - 1, count - 1) > MAX_CUTS:
        return None
    if len(forced) > count - 1:
        forced = set()
    best: tuple[int, list[list[Classified]]] | None = None
    for cut in itertools.combinations(starts[1:], count - 1):
        if forced <= set(cut):
            cells = [lines[a:b] for a, b in itertools.pairwise([0, *cut, len(lines)])]
            value = score(cells)
            if best is None or value > best[0]:
                best = (value, cells)
    return best[1] if best else None


def split_cells(lines: list[Classified], count: int, anchors: list[str]) -> list[Cell]:
    """Cut ``lines`` into ``count`` cells at capitalised lines, best matching ``anchors``."""

    def score(cells: list[list[Classified]]) -> int:
        texts = [" ".join(c.text for c in cell) for cell in cells]
        return sum(
            len(_words(text) & _words(anchor)) for text, anchor in zip(texts, anchors, strict=False)
        ) - sum(_refers_back(texts[k - 1], texts[k]) for k in range(1, len(texts)))

    starts = _starts(lines)
    if len(starts) + (starts[0] != 0) <= count:
        return [
            _cell(c) for c in (lines[a:b] for a, b in itertools.pairwise([*sorted({0, *starts}), len(lines)]))
        ]
    cells = _best_cut(lines, count, score)
    return [_cell(c) for c in cells] if cells else [_cell(lines)]


def find_tables(lines: list[Classified]) -> list[Table]:
    """Tables among a letter's lines (noise lines mark page ends)."""
    tables, index = [], 0
    while index < len(lines):
        table, index = _table_at(lines, index)
        if table is not None:
            tables.append(table)
    return tables


def _is_header(item: Classified) -> bool:
    return item.kind == Kind.TEXT and item.text.lower() in HEADER_WORDS


def _table_at(lines: list[Classified], index: int) -> tuple[Table | None, int]:
    if not _is_header(lines[index]):
        return None, index + 1
    columns: list[tuple[str, list[Classified]]] = []
    at = index
    while at < len(lines) and lines[at].kind in (Kind.TEXT, Kind.BLANK):
        if _is_header(lines[at]) and (not columns or columns[-1][1]):
            columns.append((lines[at].text, []))
        elif lines[at].kind == Kind.TEXT:
            columns[-1][1].append(lines[at])
        at += 1
    names = columns[0][1]
    if len(columns) < 2 or len(names) < 2 or any(c.text.endswith(".") for c in names):
        return None, index + 1
    rows = _rows(columns, names)
    more, at = _continuation(lines, at, [h for h, _ in columns], rows)
    rows += more
    span = lines[index].line.span
    for cell in (c for row in rows for c in (row.name, *row.cells.values())):
        span = span.cover(cell.span)
    return Table(tuple(h for h, _ in columns), tuple(rows), span), at


def _rows(columns: list[tuple[str, list[Classified]]], names: list[Classified]) -> list[Row]:
    """Cut the columns whose cells are plain first, so they help to cut the others."""
    name_cells = [_cell([n]) for n in names]
    anchors = [n.text for n in name_cells]
    per_column: list[list[Cell]] = [[] for _ in columns[1:]]
    order = sorted(range(len(columns) - 1), key=lambda k: len(_starts(columns[k + 1][1])) > len(names))
    for k in order:
        column = columns[k + 1][1]
        cells = split_cells(column, len(names), anchors) if column else []
        per_column[k] = cells
        anchors = [f"{a} {c.text}" for a, c in zip(anchors, cells, strict=False)]
    return [
        Row(
            name,
            {columns[k + 1][0].lower(): cells[i] for k, cells in enumerate(per_column) if i < len(cells)},
        )
        for i, name in enumerate(name_cells)
    ]


def _continuation(
    lines: list[Classified], at: int, headers: list[str], before: list[Row]
) -> tuple[list[Row], int]:
    """Rows continued on the next page: names, then each further column's cells."""
    while at < len(lines) and lines[at].kind != Kind.TEXT:
        at += 1
    block: list[Classified] = []
    while at < len(lines) and lines[at].kind in (Kind.TEXT, Kind.BLANK):
        item = lines[at]
        if item.kind == Kind.TEXT and (SECTION.match(item.text) or len(item.text) > 60):
            break
        if item.kind == Kind.TEXT:
            block.append(item)
        at += 1
    names = []
    for item in block:
        if item.text.endswith((".", ",", ":")) or not re.match(r"[A-ZÆØÅ]", item.text):
            break
        names.append(item)
    rest = block[len(names) :]
    columns = [header.lower() for header in headers[1:]]
    cells = _column_cells(rest, len(names), [_vocabulary(before, c) for c in columns])
    if not names or cells is None:
        return [], at
    rows = [
        Row(_cell([name]), {column: cells[k * len(names) + i] for k, column in enumerate(columns)})
        for i, name in enumerate(names)
    ]
    return rows, at


def _vocabulary(rows: list[Row], column: str) -> set[str]:
    return set().union(*(_words(r.cells[column].text) for r in rows if column in r.cells))


def _column_cells(lines: list[Classified], count: int, vocabularies: list[set[str]]) -> list[Cell] | None:
    """``lines`` cut into ``count`` cells per column, columns in turn, each cell sharing
    the most words with the column it falls in; None when no cut fits."""
    if not lines or _starts(lines)[0] != 0:
        return None

    def score(cells: list[list[Classified]]) -> int:
        return sum(
            len(_words(" ".join(c.text for c in cell)) & vocabularies[k // count])
            for k, cell in enumerate(cells)
        )

    cells = _best_cut(lines, count * len(vocabularies), score)
    return [_cell(c) for c in cells] if cells else None
