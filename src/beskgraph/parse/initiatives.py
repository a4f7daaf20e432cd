"""Initiatives a reply lists, found by the forms such lists take:

* lettered sections (``A: title`` in a summary, ``A) title`` above its text);
* a list after an introduction ending in a colon that announces initiatives
  (``Konkret er følgende initiativer iværksat:``, ``Derfor har vi:``), one item per
  paragraph, up to a heading, a new introduction or a connective (``Herudover``);
* headed blocks under a heading that announces initiatives or a concept
  (``Uddybning af nye initiativer``), up to a closing heading (``Lovgivningens krav``);
  a heading such as ``Jobsamtale 3 (afholdes inden uge 12)`` gives label and week;
* rows of a table of offers (name, purpose, status).
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..model.correspondence import Initiative, Letter
from ..text import SourceText, Span
from .letter_parts import Draft, is_closing
from .stitch import Stitched, is_heading
from .tables import Table, find_tables

LETTERED = re.compile(r"^(?P<label>[A-H])\s*(?P<mark>[:)])\s*(?P<title>\S.*)$")
INTRO = re.compile(r"(?:\b(?:initiativer|tiltag)\b[^:]*|\b(?:har|vil)\s+vi):$", re.IGNORECASE)
GROUP = re.compile(r"initiativ|tiltag|koncept", re.IGNORECASE)
CLOSING_HEADING = re.compile(r"krav|forvent|afslut|tilgang|opsummer|konklu", re.IGNORECASE)
CONNECTIVE = re.compile(
    r"^(?:Herudover|Derudover|Desuden|Endelig|Afslutningsvis|Samlet|Som\b"
    r"|Vi\b|Det\b|Jobcentret\b)"
)
WEEK = re.compile(r"^(?P<label>.+?\d+)\s*\((?:[^)]*?)\binden\s+uge\s+(?P<week>\d+)[^)]*\)$", re.IGNORECASE)
FOCUS = re.compile(r"\bfokus\s+på\s+(?P<focus>[^.]+)")
PURPOSE = {"formål", "beskrivelse", "indhold", "målgruppe"}
STATUS = {"status", "tidsplan", "frist"}


def find_initiatives(
    source: SourceText, written: list[tuple[Letter, Draft]]
) -> tuple[list[Initiative], list[Span]]:
    """Initiatives of every reply, numbered in the order the letter gives them, and the
    spans of the tables they were read from."""
    out: list[Initiative] = []
    table_spans: list[Span] = []
    for letter, draft in written:
        tables = find_tables(draft.lines)
        table_spans += [t.span for t in tables]
        found = (
            _lettered(letter, draft, tables)
            + _lists(letter, draft)
            + _headed(letter, draft)
            + _table_rows(letter, tables)
        )
        found.sort(key=lambda i: i.span.start)
        out += [replace(initiative, position=n) for n, initiative in enumerate(found, 1)]
    return out, table_spans


def _make(letter: Letter, title: str, span: Span, **extra) -> Initiative:
    return Initiative(
        title=title.strip().rstrip(":"),
        span=span,
        municipality_code=letter.municipality_code,
        letter=letter.key,
        **extra,
    )


def _is_heading(text: str) -> bool:
    return is_heading(text) and not is_closing(text)


def _inside(span: Span, tables: list[Table]) -> bool:
    return any(t.span.start <= span.start and span.end <= t.span.end for t in tables)


def _lettered(letter: Letter, draft: Draft, tables: list[Table]) -> list[Initiative]:
    """``A: title`` lines of a table of contents, and the ``A) title`` sections they list.

    A section runs from its heading to the next heading of the list, a table, or the end
    of the letter's content (its closing); a contents line is a title, never a section."""
    contents: dict[str, tuple[str, Span]] = {}
    sections: dict[str, list[tuple[str, Span]]] = {}
    current: str | None = None
    for text, span in draft.paragraphs():
        match = LETTERED.match(text)
        if match:
            label = match.group("label")
            if match.group("mark") == ":":
                contents.setdefault(label, (match.group("title"), span))
                current = None
            elif label not in sections:
                current = label
                sections[label] = [(match.group("title"), span)]
        elif current is not None and _inside(span, tables):
            current = None
        elif current is not None:
            sections[current].append((text, span))
    out = []
    for label in sorted(set(contents) | set(sections)):
        parts = sections.get(label) or [contents[label]]
        title = contents[label][0] if label in contents else parts[0][0]
        description = " ".join(t for t, _ in parts[1:]) or None
        out.append(
            _make(letter, title, parts[0][1].cover(parts[-1][1]), label=label, description=description)
        )
    return out


def _lists(letter: Letter, draft: Draft) -> list[Initiative]:
    out: list[Initiative] = []
    items: list[tuple[str, Span]] | None = None
    for text, span in [*draft.paragraphs(), ("", Span(0, 0))]:
        ends = (
            not text
            or text.endswith(":")
            or _is_heading(text)
            or CONNECTIVE.match(text)
            or LETTERED.match(text)
        )
        if items is not None and ends:
            out += [_item(letter, t, s) for t, s in items]
            items = None
        if items is not None:
            if re.match(r"[\"']", text) and items:
                previous, previous_span = items[-1]
                items[-1] = (f"{previous}\n{text}", previous_span.cover(span))
            else:
                items.append((text, span))
        if text.endswith(":") and INTRO.search(text) and "forvent" not in text.lower():
            items = []
    return out


def _item(letter: Letter, text: str, span: Span) -> Initiative:
    flat = text.replace("\n", " ")
    first = Stitched(flat, tuple(range(len(flat)))).first_sentence()
    return _make(letter, first.strip().rstrip("."), span, description=flat)


def _headed(letter: Letter, draft: Draft) -> list[Initiative]:
    out: list[Initiative] = []
    inside = False
    block: tuple[str, Span, list[str]] | None = None

    def close() -> None:
        if block is not None and block[2] and not block[2][0].endswith(":"):
            out.append(_block(letter, *block))

    for text, span in draft.paragraphs():
        if _is_heading(text):
            close()
            block = None
            if GROUP.search(text) and not LETTERED.match(text):
                inside = True
            elif CLOSING_HEADING.search(text):
                inside = False
            elif inside:
                block = (text, span, [])
        elif block is not None:
            block[2].append(text)
            block = (block[0], block[1].cover(span), block[2])
    close()
    return out


def _block(letter: Letter, heading: str, span: Span, texts: list[str]) -> Initiative:
    description = " ".join(texts) or None
    focus = FOCUS.search(description or "")
    week = WEEK.match(heading)
    return _make(
        letter,
        week.group("label") if week else heading,
        span,
        label=week.group("label") if week else None,
        week_deadline=int(week.group("week")) if week else None,
        description=description,
        focus=focus.group("focus").strip() if focus else None,
    )


def _table_rows(letter: Letter, tables: list[Table]) -> list[Initiative]:
    """One initiative a row: its name cell is its span, its other cells back their fields."""
    out = []
    for table in tables:
        for row in table.rows:
            purpose = next((c for h, c in row.cells.items() if h in PURPOSE), None)
            status = next((c for h, c in row.cells.items() if h in STATUS), None)
            out.append(
                _make(
                    letter,
                    row.name.text,
                    row.name.span,
                    purpose=purpose.text if purpose else None,
                    purpose_span=purpose.span if purpose else None,
                    status=status.text if status else None,
                    status_span=status.span if status else None,
                    description=purpose.text if purpose else None,
                )
            )
    return out
