"""Text to typed records: recognise a document's kind and hand it to that kind's parser.

Catalogue cards and correspondence have parsers of their own; any other readable text is
read by the generic reader (:mod:`.publication`) as the kind :mod:`.kinds` recognises, or
as ``other``. A document is never dropped for its kind: only unreadable input (empty,
binary, undecodable, too large) is left out; a card or correspondence its own parser
rejects is read as other text, with a warning that says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..model.common import DocumentKind, ParsedDocument, Warning_
from ..text import SourceError, SourceText
from .card import looks_like_card, parse_card
from .kinds import (
    looks_like_committee_letter,
    looks_like_parliamentary_answer,
    looks_like_press_release,
    looks_like_web_page,
)
from .letters import looks_like_correspondence, parse_correspondence
from .publication import read_publication


@dataclass(frozen=True)
class DocumentParser:
    kind: DocumentKind
    recognises: Callable[[SourceText], bool]
    parse: Callable[[SourceText], ParsedDocument]


def _always(source: SourceText) -> bool:
    return True


def _generic(kind: DocumentKind, recognises: Callable[[SourceText], bool]) -> DocumentParser:
    return DocumentParser(kind, recognises, partial(read_publication, kind=kind))


# In order: the first that recognises a document parses it. Answers to parliament, press
# releases and web pages are told apart before letters (they may greet or close like one).
PARSERS: list[DocumentParser] = [
    DocumentParser(DocumentKind.CATALOGUE_CARD, looks_like_card, parse_card),
    _generic(DocumentKind.PARLIAMENTARY_ANSWER, looks_like_parliamentary_answer),
    _generic(DocumentKind.PRESS_RELEASE, looks_like_press_release),
    _generic(DocumentKind.WEB_PAGE, looks_like_web_page),
    DocumentParser(DocumentKind.CORRESPONDENCE, looks_like_correspondence, parse_correspondence),
    _generic(DocumentKind.COMMITTEE_LETTER, looks_like_committee_letter),
    _generic(DocumentKind.OTHER, _always),
]


def detect_kind(source: SourceText) -> DocumentParser:
    """The parser for this document; a :class:`SourceError` if it has no text at all."""
    if not source.text.strip():
        raise SourceError(source.path, 1, "empty document")
    return next(parser for parser in PARSERS if parser.recognises(source))


def parse_source(source: SourceText) -> ParsedDocument:
    """Parse decoded text. A card or correspondence its parser cannot read is read as other
    text, with a warning saying why; a SourceError (naming file and line) only if even the
    generic reader fails."""
    parser = detect_kind(source)
    try:
        return _parse(parser, source)
    except SourceError as error:
        if parser.kind not in (DocumentKind.CATALOGUE_CARD, DocumentKind.CORRESPONDENCE):
            raise
        failure = error
    document = _parse(PARSERS[-1], source)
    why = f"read as other text: as {parser.kind.value} it could not be read: {failure.reason}"
    document.warnings.insert(0, Warning_(failure.line or 1, why))
    return document


def _parse(parser: DocumentParser, source: SourceText) -> ParsedDocument:
    kind = parser.kind.value
    try:
        return parser.parse(source)
    except SourceError as error:
        raise SourceError(error.path, error.line, error.reason, kind) from error
    except Exception as error:  # a parser bug must still name the file, and not stop the corpus
        raise SourceError(source.path, None, f"{kind} parser failed: {error!r}", kind) from error


def parse_document(path: Path) -> ParsedDocument:
    """Read, decode and parse one source file."""
    return parse_source(SourceText.read(path))
