"""The parts of one letter read from its lines: date, case numbers, subject, salutation,
closing and signature, and the body as clean text with source offsets."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from datetime import date as Date  # the type, where a field is called ``date``
from functools import cache

from ..fuzzy import allowed_edits, edit_distance, fold, repair_word
from ..model.correspondence import Identifier, IdentifierScheme
from ..text import SourceText, Span, normalise
from ..vocabulary.controlled import by_value
from .dates import read_date
from .layout import NOISE, Classified, Kind, empty_value, is_stamp, read_label
from .stitch import Stitched, line_width, stitch

SALUTATION = re.compile(r"^K(?:æ|ae|a|e)re\s+(?P<whom>\S.*)$", re.IGNORECASE)
CLOSINGS = (
    "venlig hilsen",
    "med venlig hilsen",
    "med venlige hilsner",
    "venlige hilsner",
    "de bedste hilsner",
    "bedste hilsner",
    "mange hilsner",
)
SUBJECT = re.compile(
    r"^(?:Vedrørende|Vedr\.|Ang\.|Angående|Emne:|Om:|Re:"
    r"|(?:Uddybende |Opfølgende |Supplerende )?[Rr]edegørelse (?:for|fra|om)\b)"
)
NAME = re.compile(
    r"^[A-ZÆØÅ][a-zæøåé]+(?:[ -](?:[A-ZÆØÅ]\.|[A-ZÆØÅ][a-zæøåé]+)){1,3}"
    r"(?:\s+\([a-zæøå]+\))?$"
)
ROLE_WORD = (  # also an office of two or more ("Social- og boligminister")
    r"(?:(?:[A-ZÆØÅa-zæøå]+-,?\s+){1,3}og\s+)?"  # (at most three: linear over "job- job- …")
    r"[A-ZÆØÅa-zæøå]*(?:minister|mester|chef|direktør|formand|leder|konsulent"
    r"|sekretær|rådgiver)"
)
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
    date: Date | None = None
    date_text: str | None = None
    date_span: Span | None = None
    received: Date | None = None  # from a received-stamp on the letter
    received_text: str | None = None
    received_span: Span | None = None
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


_CLOSING_KEYS = tuple(fold(c) for c in CLOSINGS)


@cache
def is_closing(text: str) -> bool:
    """``Venlig hilsen`` and its variants (``Med venlig hilsen og på forhånd tak``),
    allowing OCR slips: split words (``Venl ig``), digits for letters (``hi1sen``)."""
    if not 1 <= len(text.split()) <= 8:
        return False
    key = fold(text)
    if len(key) < 8 or key[0] not in "mvdb":
        return False
    for closing in _CLOSING_KEYS:
        tail = key[len(closing) :]
        if difflib.SequenceMatcher(None, key[: len(closing)], closing).ratio() >= 0.85 and (
            not tail or (tail.startswith("og") and len(tail) <= 20)
        ):
            return True
    return False


def _first_words_like(text: str, words: tuple[str, ...]) -> int:
    """How many of ``text``'s first words (one, or two run together when OCR split one)
    read as one of ``words`` (folded, an edit per five letters); 0 if none do."""
    found = text.split()
    for count in (1, 2):
        key = fold("".join(found[:count]))
        if len(found) >= count and any(edit_distance(key, w) <= allowed_edits(len(w)) for w in words):
            return count
    return 0


def salutation(text: str) -> str | None:
    """Whom ``Kære …`` greets (``Kaere``, ``Kærc``, ``K ære`` as OCR reads it), if a greeting."""
    if match := SALUTATION.match(normalise(text)):
        return match.group("whom")
    count = _first_words_like(text, ("kaere",)) if text.startswith("K") else 0
    rest = text.split()[count:] if count else []
    return " ".join(rest) if rest and len(rest) <= 10 else None


def is_salutation(text: str) -> bool:
    return salutation(text) is not None


_SUBJECT_WORDS = ("vedroerende", "angaaende")
_REPORT = re.compile(r"^(?:(?:uddybende|opfo?e?lgende|supplerende)\s+)?redego?e?relse\s+(?:for|fra|om)")


def is_subject(text: str) -> bool:
    """A subject line's opening (``Vedrørende``, ``Ang.``, ``Redegørelse for``), also as OCR
    read it (``Vedrorende``, ``Vedr0rende``, ``redeg0relse``)."""
    if SUBJECT.match(text) or _first_words_like(text, _SUBJECT_WORDS):
        return True
    return bool(_REPORT.match(" ".join(fold(w) for w in text.split()[:4])))


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


def _date_of(item: Classified) -> tuple[date, str, int, int] | None:
    """The date a ``Dato`` label, its value line, a date line or a stamp holds (see
    :func:`read_date`); positions are in ``item.text``."""
    text = item.text
    if item.kind == Kind.LABEL:
        match = read_label(text)
        text = match.group("value") if match else ""
    elif item.kind == Kind.STAMP and is_stamp(text) and len(text.split()) > 1:
        shift = text.index(text.split()[0]) + len(text.split()[0])  # past the stamp's word
        found = read_date(text[shift:])
        return (found[0], found[1], found[2] + shift, found[3] + shift) if found else None
    elif item.kind not in (Kind.VALUE, Kind.DATE, Kind.STAMP):
        return None
    return read_date(text) if text.strip() else None


def _own_date(lines: list[Classified]) -> date | None:
    """The date beside a ``Dato`` label, else the first line that holds only a date (or a
    place and a date); never a received-stamp's."""
    for item in lines:
        if item.label == "dato" and (found := _date_of(item)):
            return found[0]
    first = next((c for c in lines if c.kind == Kind.DATE), None)
    found = _date_of(first) if first else None
    return found[0] if found else None


def _dates_in_text(lines: list[Classified]) -> list[Classified]:
    """A date alone on a line is letterhead when it is the letter's own date; any other
    (a table cell, a wrapped sentence) is text."""
    own = _own_date(lines)
    out = []
    for item in lines:
        found = _date_of(item) if item.kind == Kind.DATE else None
        if found and found[0] != own:
            item = Classified(item.line, Kind.TEXT)
        out.append(item)
    return out


def _located(source: SourceText, item: Classified, text: str) -> Span:
    at = item.line.text.find(text)
    if at < 0:
        return source.strip_span(item.line.span)
    return Span(item.line.span.start + at, item.line.span.start + at + len(text))


def repair_identifier(value: str) -> str:
    """A case number as OCR may have read it, repaired: look-alike letters in its digit
    groups (``l8/6995``), a digit group split by a space (``37 29``), a space on one side
    of a separator (``18/ 6995``)."""
    value = re.sub(
        r"[^\W_]*\d[^\W_]*",
        lambda m: (
            repair_word(m.group(0))
            if sum(c.isdigit() for c in m.group(0)) * 2 >= len(m.group(0))
            else m.group(0)
        ),
        value,
    )
    value = re.sub(r"(?<=\d) (?=\d)", "", value)
    return re.sub(r"(?<=\S)([/-]) (?=\S)|(?<=\S) ([/-])(?=\S)", lambda m: m.group(1) or m.group(2), value)


def _read_metadata(source: SourceText, draft: Draft) -> None:
    """Labelled values (Dato, J.nr., Sag ...), the first line that holds only a date, and
    a received-stamp."""
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(draft.lines):
        if item.kind == Kind.STAMP and draft.received is None and (found := _date_of(item)):
            draft.received, draft.received_text = found[0], found[1]
            draft.received_span = _located(source, item, found[1])
            continue
        scheme, value, where = None, None, item
        if item.kind == Kind.LABEL:
            match = read_label(item.text)
            assert match is not None
            scheme, value = item.label, match.group("value").strip() or None
            if value is not None and empty_value(value):
                value = None
            if value is None and index + 1 < len(draft.lines) and draft.lines[index + 1].kind == Kind.VALUE:
                continue  # read with its value line
        elif item.kind == Kind.VALUE:
            scheme, value = item.label, item.text
        elif item.kind == Kind.DATE and draft.date is None:
            scheme, value = "dato", item.text
        if not (scheme and value):
            continue
        if scheme == "dato":
            found = _date_of(item)
            if draft.date is None and found:
                draft.date, draft.date_text = found[0], found[1]
                draft.date_span = _located(source, where, found[1])
        elif (scheme, value) not in seen:
            seen.add((scheme, value))
            draft.identifiers.append(
                Identifier(
                    by_value(IdentifierScheme, scheme),
                    repair_identifier(value),
                    _located(source, where, value),
                )
            )


def _read_opening(source: SourceText, draft: Draft) -> int:
    """Subject and salutation; return the index of the first body line."""
    lines, subject_at, salutation_at = draft.lines, None, None
    for index, item in enumerate(lines):
        if item.kind != Kind.TEXT:
            continue
        if salutation_at is None and is_salutation(item.text):
            salutation_at = index
            draft.salutation = salutation(item.text)
            draft.salutation_span = source.strip_span(item.line.span)
            break
        if subject_at is None and is_subject(item.text):
            subject_at = index
        elif subject_at is None and len(item.text.split()) >= 5:
            break  # prose before any subject or salutation: the body has begun
    if subject_at is not None:
        _read_subject(source, draft, subject_at, salutation_at)
    if salutation_at is not None:
        return salutation_at
    if subject_at is not None:
        return _after_subject(draft, subject_at)
    return next(
        (i for i, c in enumerate(lines) if c.kind == Kind.TEXT and len(c.text.split()) >= 4), len(lines)
    )


def _subject_lines(draft: Draft, at: int, stop: int | None) -> list[Classified]:
    out: list[Classified] = []
    for item in draft.lines[at : stop if stop is not None else len(draft.lines)]:
        if item.kind in NOISE:
            continue
        if out and (is_salutation(item.text) or len(out) >= 4):
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
            draft.signature_unit = (
                match.group("unit"),
                match.group("organisation"),
                source.strip_span(item.line.span),
            )
        elif NAME.match(text) and not ROLE.match(text):
            draft.signatures.append(Signature(text, None, source.strip_span(item.line.span)))
        elif ROLE.match(text) and draft.signatures and draft.signatures[-1].role is None:
            last = draft.signatures[-1]
            draft.signatures[-1] = Signature(
                last.name, text.lower(), last.span.cover(source.strip_span(item.line.span))
            )
        elif len(text.split()) > 6:
            break
