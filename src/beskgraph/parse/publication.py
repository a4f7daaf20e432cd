"""A generic reader for any text that is neither a card nor correspondence: its title,
its dates, the municipalities it names, the letters it refers to, the legal provisions
it cites, the figures it states (what and whom they are about) and persons with a role.

Every pass is one regular-expression scan of the text, or of its head (the first lines,
where a title and a date stand), or of one sentence at a time (at most
:data:`MAX_SENTENCE` characters of it), so reading is linear in the text's length.
"""

from __future__ import annotations

import re
from datetime import date

from ..model.common import DocumentKind, Located
from ..model.correspondence import Figure
from ..model.publication import Dated, LetterReference, MunicipalityMention, PersonRole, Publication
from ..reference import municipality_name_pattern, names_the_municipality
from ..text import Line, SourceText, Span, normalise, parse_decimal
from .chain import NEAR, NOUN
from .citations import find_citations
from .dates import find_dates
from .figures import COUNT, YEAR
from .kinds import BREADCRUMB, COMMITTEE_ADDRESSEE, HEAD, PAGE_FURNITURE, PRESS_RELEASE, QUESTION, UPDATED
from .layout import Classified, Kind, classify
from .letter_parts import SUBJECT, is_salutation
from .parties import PERSON_WITH_ROLE, municipality_code

MAX_SENTENCE = 2000  # characters of a sentence searched for figures
MAX_TITLE_WORDS = 25
BOILERPLATE = re.compile(r"^(?:notat|offentligt|bilag\s*\d*|side\s*\d+)$", re.IGNORECASE)
PUBLISHED = re.compile(r"^(?:publiceret|offentliggjort|udgivet|dato|date)\b\s*:?\s*", re.IGNORECASE)
UPDATED_LABEL = re.compile(rf"{UPDATED.pattern}\s*(?:den\s+)?:?\s*", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?](?=\s+[\"'(]?[A-ZÆØÅ0-9])|\n\s*\n")
REFERS = re.compile(r"^[^.;:!?\n]*?\b(?:af|dateret|fra|den|d\.)\s*$", re.IGNORECASE)
SHARE = re.compile(r"(?<![\d,.])(?P<value>\d{1,3}(?:,\d+)?)\s?(?:%|procent\b)(?P<rest>[^.;:!?\n]{0,80})")
AMOUNT = re.compile(
    r"(?<![\d,.])(?P<value>\d{1,3}(?:[.,]\d+)?)\s+(?P<scale>mio\.|mia\.|millioner|milliarder)"
    r"\s+(?:kr\.|kroner)(?P<rest>[^.;:!?\n]{0,80})",
    re.IGNORECASE,
)


def read_publication(source: SourceText, kind: DocumentKind) -> Publication:
    """Read what a generic reader can from ``source``; never fails on readable text."""
    head = classify([line for line in source.lines() if line.stripped][:HEAD])
    doc = Publication(source=source, kind=kind)
    doc.title = _title(source, head)
    doc.published, doc.updated = _dates(source, [c.line for c in head])
    anchor = _anchor(doc)
    doc.municipalities = _municipalities(source, [c.line.span for c in head if c.kind == Kind.CONTACT])
    doc.letters = _letters(source, anchor)
    doc.citations = find_citations(source.text)
    doc.figures = _figures(source)
    doc.persons = _persons(source)
    if doc.title is None:
        doc.warn(0, "no title found")
    return doc


def _anchor(doc: Publication) -> date | None:
    dated = doc.published or doc.updated
    return date.fromisoformat(dated.value) if dated and dated.value else None


def _title(source: SourceText, head: list[Classified]) -> Located | None:
    """A subject line or question heading; else the first heading-like text line that is
    not part of an address."""
    following: list[Classified | None] = [*head[1:], None]
    lines = [(c, after) for c, after in zip(head, following, strict=False) if c.kind == Kind.TEXT]
    for classified, _ in lines:
        text = normalise(classified.line.text)
        if SUBJECT.match(text) or QUESTION.match(text):
            return _located(source, classified.line)
    return next(
        (
            _located(source, c.line)
            for c, after in lines
            if _heading_like(normalise(c.line.text)) and (after is None or after.kind != Kind.CONTACT)
        ),
        None,
    )


def _heading_like(text: str) -> bool:
    """A short line that does not end like a sentence and is no boilerplate."""
    words = text.split()
    return (
        0 < len(words) <= MAX_TITLE_WORDS
        and any(c.isalpha() for c in text)
        and not text.endswith((".", ",", ":", ";"))
        and not is_salutation(text)
        and not any(
            p.search(text)
            for p in (
                PRESS_RELEASE,
                BREADCRUMB,
                PAGE_FURNITURE,
                UPDATED,
                COMMITTEE_ADDRESSEE,
                PUBLISHED,
                BOILERPLATE,
            )
        )
    )


def _located(source: SourceText, line: Line) -> Located:
    return Located(" ".join(line.text.split()), source.strip_span(line.span))


def _dates(source: SourceText, head: list[Line]) -> tuple[Dated | None, Dated | None]:
    """The text's own date (a ``Dato``/``Publiceret`` label, else the first short line
    holding a date) and when it was last updated (``Senest opdateret``)."""
    published: Dated | None = None
    labelled: Dated | None = None
    updated: Dated | None = None
    for line in head:
        text = line.text.strip()
        if updated is None and (match := UPDATED_LABEL.match(text)):
            updated = _dated(source, line, match.end())
        elif labelled is None and (match := PUBLISHED.match(text)):
            labelled = _dated(source, line, match.end())
        elif published is None and len(text.split()) <= 8:
            found = [t for t in find_dates(text) if t.kind == "date"]
            if found:
                published = _dated(source, line, text.find(found[0].text))
    return labelled or published, updated


def _dated(source: SourceText, line: Line, at: int) -> Dated | None:
    """The date written in ``line`` from character ``at``; unreadable: its text, no value."""
    start = line.span.start + (len(line.text) - len(line.text.lstrip())) + at
    rest = source.text[start : line.span.end]
    if not rest.strip():
        return None
    found = [t for t in find_dates(rest) if t.kind == "date"]
    if found:
        first = found[0]
        return Dated(first.start.isoformat(), first.text, Span(start + first.begin, start + first.finish))
    return Dated(None, rest.strip(), source.strip_span(Span(start, line.span.end)))


def _municipalities(source: SourceText, addresses: list[Span]) -> list[MunicipalityMention]:
    """The first mention of each municipality, but not a town in an address (``1240 København K``)."""
    found: dict[str, MunicipalityMention] = {}
    for match in municipality_name_pattern().finditer(source.text):
        code = municipality_code(match.group(0))
        if any(a.start <= match.start() < a.end for a in addresses):
            continue
        if not names_the_municipality(source.text, *match.span()):
            continue  # "Vejen til job …"
        if code and code not in found:
            found[code] = MunicipalityMention(code, match.group(0), Span(*match.span()))
    return list(found.values())


def _letters(source: SourceText, anchor: date | None) -> list[LetterReference]:
    """``brevet af 29. januar 2018``, ``jeres redegørelse fra 6. juli 2018``: a letter named
    with its date (before the text's own date), once per date."""
    found: dict[str, LetterReference] = {}
    text = source.text
    for noun in NOUN.finditer(text):
        window = text[noun.end() : noun.end() + NEAR + 30]
        for when in find_dates(window, anchor):
            if when.kind != "date" or when.begin > NEAR or not REFERS.match(window[: when.begin]):
                continue
            if anchor is None or when.start <= anchor:
                iso = when.start.isoformat()
                end = noun.end() + when.finish
                found.setdefault(iso, LetterReference(iso, text[noun.start() : end], Span(noun.start(), end)))
            break
    return sorted(found.values(), key=lambda r: r.span.start)


def _sentences(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for match in SENTENCE_END.finditer(text):
        out.append((start, match.end()))
        start = match.end()
    out.append((start, len(text)))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _figures(source: SourceText) -> list[Figure]:
    """Counts, shares and amounts, each with what it measures, the municipality its
    sentence names nearest before it (whom it is about) and the year it names (when)."""
    out: dict[tuple[int, str], Figure] = {}
    names = municipality_name_pattern()
    for start, end in _sentences(source.text):
        sentence = source.text[start : min(end, start + MAX_SENTENCE)]
        named = [
            (m.start(), code) for m in names.finditer(sentence) if (code := municipality_code(m.group(0)))
        ]
        year = YEAR.search(sentence)
        when = (
            (year.group("year"), f"{year.group('year')}-01-01", f"{year.group('year')}-12-31")
            if year
            else (None, None, None)
        )

        def add(
            value: str,
            unit: str,
            measure: str,
            span: tuple[int, int],
            sentence_start: int = start,
            named: list[tuple[int, str]] = named,
            period: tuple = when,
        ) -> None:
            at = Span(sentence_start + span[0], sentence_start + span[1])
            out.setdefault(
                (at.start, unit),
                Figure(
                    value=parse_decimal(value),
                    unit=unit,
                    measure=" ".join(measure.split()) or unit,
                    span=at,
                    period=period[0],
                    period_start=period[1],
                    period_end=period[2],
                    municipality_code=_nearest(named, span[0]),
                ),
            )

        for m in COUNT.finditer(sentence):
            add(m.group("value"), m.group("unit"), f"{m.group('unit')}{m.group('measure')}", m.span())
        for m in SHARE.finditer(sentence):
            add(m.group("value"), "%", f"andel{_clause(m.group('rest'))}", m.span())
        for m in AMOUNT.finditer(sentence):
            unit = "mia. kr." if m.group("scale").lower().startswith(("mia", "milliard")) else "mio. kr."
            add(m.group("value"), unit, _clause(m.group("rest")).strip() or "beløb", m.span())
    return sorted(out.values(), key=lambda f: f.span.start)


def _nearest(named: list[tuple[int, str]], at: int) -> str | None:
    """The municipality named last before ``at`` in the sentence, else the first after it."""
    before = [code for position, code in named if position < at]
    return before[-1] if before else (named[0][1] if named else None)


def _clause(rest: str) -> str:
    """What a figure is of: the words after it, up to the next comma or conjunction."""
    clause = re.split(r",|\s(?:og|men|mens|hvilket|svarende)\s", rest, maxsplit=1)[0]
    return " " + " ".join(clause.split()[:8]) if clause.strip() else ""


def _persons(source: SourceText) -> list[PersonRole]:
    found: dict[str, PersonRole] = {}
    for match in PERSON_WITH_ROLE.finditer(source.text):
        name = " ".join(match.group("name").split())
        found.setdefault(name, PersonRole(name, match.group("role").lower(), Span(*match.span())))
    return list(found.values())
