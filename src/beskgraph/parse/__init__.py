"""Text to typed records: recognise a document's kind and hand it to that kind's parser."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..model.common import DocumentKind, ParsedDocument
from ..text import SourceError, SourceText
from .card import looks_like_card, parse_card
from .letters import looks_like_correspondence, parse_correspondence


@dataclass(frozen=True)
class DocumentParser:
    kind: DocumentKind
    recognises: Callable[[SourceText], bool]
    parse: Callable[[SourceText], ParsedDocument]


PARSERS: list[DocumentParser] = [
    DocumentParser(DocumentKind.CATALOGUE_CARD, looks_like_card, parse_card),
    DocumentParser(DocumentKind.CORRESPONDENCE, looks_like_correspondence, parse_correspondence),
]


def detect_kind(source: SourceText) -> DocumentParser:
    """The parser for this document, or a :class:`SourceError` saying why there is none."""
    if not source.text.strip():
        raise SourceError(source.path, 1, "empty document")
    for parser in PARSERS:
        if parser.recognises(source):
            return parser
    first = next((line for line in source.lines() if line.stripped), None)
    raise SourceError(source.path, first.number if first else 1,
                      "unknown kind of document: neither an intervention card nor correspondence")


def parse_document(path: Path) -> ParsedDocument:
    """Read and parse one source file; every failure is a SourceError naming file and line."""
    source = SourceText.read(path)
    parser = detect_kind(source)
    try:
        return parser.parse(source)
    except SourceError:
        raise
    except Exception as error:  # a parser bug must still name the file, and not stop the corpus
        raise SourceError(path, None, f"{parser.kind.value} parser failed: {error!r}") from error
