"""The parts of one letter read from its lines: date, case numbers, subject, salutation,
closing and signature, and the body as clean text with source offsets."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from ..model.correspondence import Identifier
from ..text import SourceText, Span, normalise
from .dates import find_dates
from .layout import LABEL, NOISE, Classified, Kind
from .stitch import Stitched, line_width, stitch

SALUTATION = re.compile(r"^K(?:æ|ae|a|e)re\s+(?P<whom>\S.*)$", re.IGNORECASE)
CLOSINGS = ("venlig hilsen", "med venlig hilsen", "med venlige hilsner", "venlige hilsner",
            "de bedste hilsner", "bedste hilsner", "mange hilsner")
# Digits a scanner reads for the letters of a word (``hi1sen``, ``Venl0g``).
_LETTER_FOR_DIGIT = str.maketrans("1|05", "llos")
SUBJECT = re.compile(r"^(?:Vedrørende|Vedr\.|Ang\.|Angående|Emne:|Om:|Re:"
                     r"|(?:Uddybende |Opfølgende |Supplerende )?[Rr]edegørelse (?:for|fra|om)\b)")
NAME = re.compile(r"^[A-ZÆØÅ][a-zæøåé]+(?:[ -](?:[A-ZÆØÅ]\.|[A-ZÆØÅ][a-zæøåé]+)){1,3}"
                  r"(?:\s+\([a-zæøå]+\))?$")
ROLE_WORD = (r"[A-ZÆØÅa-zæøå]*(?:minister|mester|chef|direktør|formand|leder|konsulent"
             r"|sekretær|rådgiver)")
ROLE = re.compile(rf"^{ROLE_WORD}$")
UNIT_OF = re.compile(r"^(?P<unit>[^,]+),\s*(?P<organisation>.+?\s+Kommune)$")


@dataclass(frozen=True)
class Signature:
    name: str
    role: str | None
    span: Span


@dataclass
class Draft:
    """What one letter's own lines say, before parties and links are worked out."""

    lines: list[Classified]
    span: Span
    date: date | None = None
    date_text: str | None = None
    date_span: Span | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    subject: str | None = None
    subject_span: Span | None = None
    salutation: str | None = None
    salutation_span: Span | None = None
    closing: int | None = None
    signatures: list[Signature] = field(default_factory=list)
    signature_unit: tuple[str, str, Span] | None = None  # unit, organisation, span
    body_lines: list[Classified] = field(default_factory=list)
    body: Stitched = field(default_factory=lambda: Stitched("", ()))
    content: Stitched = field(default_factory=lambda: Stitched("", ()))

    def paragraphs(self) -> list[tuple[str, Span]]:
        """The paragraphs of the letter's content, each with its source span."""
        text = self.content.text
        return [(text[a:b].strip(), self.content.span(a, b)) for a, b in self.content.paragraphs()]

    def party_lines(self) -> list[Classified]:
        return [c for c in self.lines if c.kind == Kind.PARTY]

    def letterhead(self) -> list[Classified]:
        """Lines above the body (salutation or first prose line)."""
        first = self.body_lines[0].line.number if self.body_lines else 10**9
        return [c for c in self.lines if c.line.number < first]


def _letters(text: str) -> str:
    """Only the letters of ``text``, lower-cased, digits read as the letters they mimic."""
    return re.sub(r"[^a-zæøåéü]", "", normalise(text).lower().translate(_LETTER_FOR_DIGIT))


_CLOSING_KEYS = tuple(_letters(c) for c in CLOSINGS)


@cache
def is_closing(text: str) -> bool:
    """``Venlig hilsen`` and its variants (``Med venlig hilsen og på forhånd tak``),
    allowing OCR slips: split words (``Venl ig``), digits for letters (``hi1sen``)."""
    if not 1 <= len(text.split()) <= 8:
        return False
    key = _letters(text)
    if len(key) < 8 or key[0] not in "mvdb":
        return False
    for closing in _CLOSING_KEYS:
        tail = key[len(closing):]
        if difflib.SequenceMatcher(None, key[: len(closing)], closing).ratio() >= 0.85 and (
                not tail or (tail.startswith("og") and len(tail) <= 20)):
            return True
    return False


def is_salutation(text: str) -> bool:
    return bool(SALUTATION.match(normalise(text)))


# What a page carries around a letter: not part of the letter's own span.
_MARGIN = {Kind.BLANK, Kind.HEADER, Kind.PAGE_IMAGE, Kind.COUNTER}


def read_draft(source: SourceText, lines: list[Classified]) -> Draft:
    """Read one letter's lines (noise included) into a :class:`Draft`."""
    own = [i for i, c in enumerate(lines) if c.kind not in _MARGIN] or [0, len(lines) - 1]
    span = lines[own[0]].line.span.cover(lines[own[-1]].line.span)
    lines = _dates_in_text(lines)
    draft = Draft(lines=lines, span=source.strip_span(span))
    _read_metadata(source, draft)
    start = _read_opening(source, draft)
    _read_closing(source, draft)
    body = [c for c in lines[start:] if c.kind == Kind.TEXT]
    width = line_width([c.line for c in lines])
    draft.body_lines = body
    draft.body = stitch([c.line for c in body], width)
    first = start + 1 if draft.salutation is not None else start
    last = draft.closing if draft.closing is not None and draft.closing >= first else len(lines)
    draft.content = stitch([c.line for c in lines[first:last] if c.kind == Kind.TEXT], width)
    return draft


def _own_date(lines: list[Classified]) -> date | None:
    """The date beside a ``Dato`` label, else the first line that is only a date."""
    for item in lines:
        match = LABEL.match(item.text) if item.label == "dato" else None
        text = item.text if item.kind == Kind.VALUE else match.group("value") if match else ""
        if item.label == "dato" and (found := find_dates(text)):
            return found[0].start
    first = next((c for c in lines if c.kind == Kind.DATE), None)
    found = find_dates(first.text) if first else []
    return found[0].start if found else None


def _dates_in_text(lines: list[Classified]) -> list[Classified]:
    """A date alone on a line is letterhead when it is the letter's own date; any other
    (a table cell, a wrapped sentence) is text."""
    own = _own_date(lines)
    out = []
    for item in lines:
        found = find_dates(item.text) if item.kind == Kind.DATE else []
        if found and found[0].start != own:
            item = Classified(item.line, Kind.TEXT)
        out.append(item)
    return out


def _located(source: SourceText, item: Classified, text: str) -> Span:
    at = item.line.text.find(text)
    if at < 0:
        return source.strip_span(item.line.span)
    return Span(item.line.span.start + at, item.line.span.start + at + len(text))


def _read_metadata(source: SourceText, draft: Draft) -> None:
    """Labelled values (Dato, J.nr., Sag ...) and the first line that is only a date."""
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(draft.lines):
        scheme, value, where = None, None, item
        if item.kind == Kind.LABEL:
            match = LABEL.match(item.text)
            assert match is not None
            scheme, value = item.label, match.group("value").strip() or None
            if value is None and index + 1 < len(draft.lines) \
                    and draft.lines[index + 1].kind == Kind.VALUE:
                continue  # read with its value line
        elif item.kind == Kind.VALUE:
            scheme, value = item.label, item.text
        elif item.kind == Kind.DATE and draft.date is None:
            scheme, value = "dato", item.text
        if not (scheme and value):
            continue
        if scheme == "dato":
            found = find_dates(value)
            if draft.date is None and found:
                draft.date, draft.date_text = found[0].start, found[0].text
                draft.date_span = _located(source, where, found[0].text)
        elif (scheme, value) not in seen:
            seen.add((scheme, value))
            draft.identifiers.append(Identifier(scheme, value, _located(source, where, value)))


def _read_opening(source: SourceText, draft: Draft) -> int:
    """Subject and salutation; return the index of the first body line."""
    lines, subject_at, salutation_at = draft.lines, None, None
    for index, item in enumerate(lines):
        if item.kind != Kind.TEXT:
            continue
        if salutation_at is None and is_salutation(item.text):
            salutation_at = index
            match = SALUTATION.match(item.text)
            assert match is not None
            draft.salutation = match.group("whom")
            draft.salutation_span = source.strip_span(item.line.span)
            break
        if subject_at is None and SUBJECT.match(item.text):
            subject_at = index
        elif subject_at is None and len(item.text.split()) >= 5:
            break  # prose before any subject or salutation: the body has begun
    if subject_at is not None:
        _read_subject(source, draft, subject_at, salutation_at)
    if salutation_at is not None:
        return salutation_at
    if subject_at is not None:
        return _after_subject(draft, subject_at)
    return next((i for i, c in enumerate(lines)
                 if c.kind == Kind.TEXT and len(c.text.split()) >= 4), len(lines))


def _subject_lines(draft: Draft, at: int, stop: int | None) -> list[Classified]:
    out = []
    for item in draft.lines[at : stop if stop is not None else len(draft.lines)]:
        if item.kind in NOISE:
            continue
        if out and (is_salutation(item.text) or len(out) >= 3):
            break
        out.append(item)
        if item.text.endswith("."):
            break
    return out


def _after_subject(draft: Draft, at: int) -> int:
    last = _subject_lines(draft, at, None)[-1]
    return draft.lines.index(last) + 1


def _read_subject(source: SourceText, draft: Draft, at: int, stop: int | None) -> None:
    chosen = _subject_lines(draft, at, stop)
    text = stitch([c.line for c in chosen], 10**6)
    draft.subject = text.text.replace("\n", " ").strip()
    draft.subject_span = text.span(0, len(text.text))


def _read_closing(source: SourceText, draft: Draft) -> None:
    """The closing line and the names and roles signed below it."""
    for index, item in enumerate(draft.lines):
        if item.kind == Kind.TEXT and is_closing(item.text):
            draft.closing = index
    if draft.closing is None:
        return
    after = [c for c in draft.lines[draft.closing + 1 :] if c.kind in (Kind.TEXT, Kind.PARTY)]
    for item in after[:6]:
        text = re.sub(r"\s*\([a-zæøå]+\)$", "", item.text)
        if (match := UNIT_OF.match(text)) and draft.signature_unit is None:
            draft.signature_unit = (match.group("unit"), match.group("organisation"),
                                    source.strip_span(item.line.span))
        elif NAME.match(text) and not ROLE.match(text):
            draft.signatures.append(Signature(text, None, source.strip_span(item.line.span)))
        elif ROLE.match(text) and draft.signatures and draft.signatures[-1].role is None:
            last = draft.signatures[-1]
            draft.signatures[-1] = Signature(last.name, text.lower(),
                                             last.span.cover(source.strip_span(item.line.span)))
        elif len(text.split()) > 6:
            break
