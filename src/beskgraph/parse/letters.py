"""Parser for correspondence between ministry, municipalities and parliament (PDF text).

A document is one letter, or a parliamentary appendix bundling several: a title block
(committee and session, ``BEU Alm.del Bilag 243``, ``Offentligt``), page images
(``2567877_0003.png``) and a running header on every page. Pages are grouped into
letters by their structure: a page opens a new letter when the letter so far has been
closed (``Venlig hilsen`` and a signature) or when both greet someone (``Kære …``).
Within a page a closing followed by a new salutation also splits. Nothing here depends
on line numbers or on the particular letters of one file.
"""

from __future__ import annotations

import re

from ..model.common import DocumentKind
from ..model.correspondence import Appendix, Correspondence, Letter, PageMarker
from ..text import SourceError, SourceText, normalise
from .chain import link
from .commitments import find_commitments
from .figures import find_figures
from .initiatives import find_initiatives
from .keys import assign_keys
from .layout import HEADER, PAGE_IMAGE, Classified, Kind, classify
from .letter_parts import Draft, is_closing, is_salutation, read_draft
from .mentions import find_citations_in, find_mentions
from .parties import assign, people

TITLE_COMMITTEE = re.compile(r"^(?P<committee>[A-ZÆØÅ][\wæøå-]*udvalget)\s+(?P<session>\d{4}-\d{2})$")
TITLE_NUMBER = re.compile(
    r"^(?P<abbr>[A-ZÆØÅ]{2,6})\s+(?P<collection>Alm\.?\s?del|[LB]\s?\d+)\s+"
    r"(?:Bilag|Spørgsmål)\s+(?P<number>\d+)$"
)
PUBLIC_STATUS = re.compile(r"^(?:Offentligt|Fortroligt|Lukket|Til offentliggørelse)$", re.IGNORECASE)


def looks_like_correspondence(source: SourceText) -> bool:
    """Letters greet and close, or carry an appendix's page images and running header."""
    lines = classify(source.lines())
    cues = [
        any(c.kind == Kind.TEXT and is_salutation(c.text) for c in lines),
        any(c.kind == Kind.TEXT and is_closing(c.text) for c in lines),
        any(c.kind in (Kind.HEADER, Kind.PAGE_IMAGE) for c in lines),
        any(c.kind == Kind.LABEL for c in lines),
    ]
    return sum(cues) >= 2


def parse_correspondence(source: SourceText) -> Correspondence:
    """Parse a document of letters; raise :class:`SourceError` if it holds none."""
    classified = classify(source.lines())
    appendix, consumed = read_appendix(source, classified)
    rest = [c for i, c in enumerate(classified) if i not in consumed]
    blocks = segment(rest)
    if not blocks:
        raise SourceError(source.path, None, "no letter found")
    drafts = [read_draft(source, block) for block in blocks]
    known = people(drafts)
    doc = Correspondence(source=source, kind=DocumentKind.CORRESPONDENCE, appendix=appendix)
    written: list[tuple[Letter, Draft]] = []
    for draft in drafts:
        sender, recipients, signatories, concerned = assign(source, draft, known)
        letter = Letter(
            key="",
            span=draft.span,
            date=draft.date.isoformat() if draft.date else None,
            date_text=draft.date_text,
            date_span=draft.date_span,
            sender=sender,
            received=draft.received.isoformat() if draft.received else None,
            received_span=draft.received_span,
            recipients=recipients,
            signatories=signatories,
            subject=draft.subject,
            subject_span=draft.subject_span,
            identifiers=draft.identifiers,
            text=draft.body.text,
            municipality_code=concerned.municipality.code if concerned else None,
            municipality_score=concerned.score if concerned else 1.0,
        )
        if letter.date is None:
            doc.warn(draft.span.start, "letter without a date")
        if sender is None or sender.organisation is None:
            doc.warn(draft.span.start, "letter without a known sender")
        written.append((letter, draft))
    assign_keys([letter for letter, _ in written])
    doc.letters.extend(letter for letter, _ in written)
    link(doc, written)
    doc.mentions = find_mentions(written)
    doc.citations = find_citations_in(written)
    doc.initiatives, tables = find_initiatives(source, written)
    doc.commitments = find_commitments(written, tables)
    doc.figures = find_figures(source, written)
    return doc


def read_appendix(source: SourceText, lines: list[Classified]) -> tuple[Appendix | None, set[int]]:
    """The appendix's title block and running header, and the indices of title lines."""
    consumed: set[int] = set()
    fields: dict[str, str] = {}
    for index, item in enumerate(lines):
        if item.kind in (Kind.PAGE_IMAGE, Kind.HEADER):
            break
        for pattern in (TITLE_COMMITTEE, TITLE_NUMBER):
            if match := pattern.match(item.text):
                fields.update(match.groupdict())
                consumed.add(index)
        if PUBLIC_STATUS.match(item.text) and consumed:
            fields["status"] = item.text
            consumed.add(index)
    header = next((HEADER.match(normalise(c.line.text)) for c in lines if c.kind == Kind.HEADER), None)
    if header:
        for name in ("abbr", "collection", "session", "number", "title"):
            fields.setdefault(name, header.group(name))
    pages = tuple(
        PageMarker(c.line.stripped, int(m.group("page")), source.strip_span(c.line.span))
        for c in lines
        if (m := PAGE_IMAGE.match(c.line.stripped))
    )
    if not fields:
        return None, consumed
    title_lines = [lines[i].line.span for i in sorted(consumed)] or [lines[0].line.span]
    span = title_lines[0].cover(title_lines[-1])
    number = fields.get("number")
    return Appendix(
        committee=fields.get("committee"),
        abbreviation=fields.get("abbr"),
        session=fields.get("session"),
        collection=fields.get("collection"),
        number=int(number) if number else None,
        title=fields.get("title"),
        public_status=fields.get("status"),
        span=span,
        pages=pages,
    ), consumed


def pages(lines: list[Classified]) -> list[list[Classified]]:
    """Split at page images and after running headers (the footer of a page)."""
    out: list[list[Classified]] = [[]]
    for item in lines:
        if item.kind == Kind.PAGE_IMAGE and any(c.kind not in (Kind.HEADER, Kind.BLANK) for c in out[-1]):
            out.append([])
        out[-1].append(item)
        if item.kind == Kind.HEADER:
            out.append([])
    return [page for page in out if page]


def _has(lines: list[Classified], test) -> bool:
    return any(c.kind == Kind.TEXT and test(c.text) for c in lines)


def segment(lines: list[Classified]) -> list[list[Classified]]:
    """Group pages into letters; split a page where a closed letter is followed by another.

    Whether the letter so far is closed or greets someone is kept as it grows, not read
    again for every page added to it (quadratic in a long letter's pages)."""
    letters: list[list[Classified]] = []
    closed = greets = False  # the last letter's
    for page in pages(lines):
        for part in _split_page(page):
            content = any(c.kind in (Kind.TEXT, Kind.PARTY, Kind.DATE) for c in part)
            part_greets = _has(part, is_salutation)
            if not letters or (content and (closed or (part_greets and greets))):
                letters.append(list(part))
                closed = greets = False
            else:
                letters[-1].extend(part)
            closed = closed or _has(part, is_closing)
            greets = greets or part_greets
    return [letter for letter in letters if any(c.kind == Kind.TEXT for c in letter)]


def _split_page(page: list[Classified]) -> list[list[Classified]]:
    """A closing, its signature (up to three short lines), then a new salutation: two letters.

    One walk over the page: each part is cut where the one before ended, and a salutation
    found after one closing serves the closings before it too."""

    def first(test, start: int, stop: int) -> int | None:
        return next((i for i in range(start, stop) if page[i].kind == Kind.TEXT and test(page[i].text)), None)

    parts: list[list[Classified]] = []
    start, later = 0, None
    while (closing := first(is_closing, start, len(page))) is not None:
        if later is None or later <= closing:
            later = first(is_salutation, closing + 1, len(page))
            if later is None:
                break
        cut, signed = closing + 1, 0
        while cut < later:
            item = page[cut]
            if item.kind == Kind.TEXT and signed < 3 and len(item.text.split()) <= 6:
                signed += 1
            elif item.kind not in (Kind.BLANK, Kind.LABEL, Kind.VALUE, Kind.COUNTER) or signed:
                break
            cut += 1
        parts.append(page[start:cut])
        start = cut
    parts.append(page[start:])
    return parts
