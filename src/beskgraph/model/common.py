"""Records and enumerations shared by every document kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..text import SourceText, Span


class DocumentKind(str, Enum):
    """The kinds of source document the pipeline recognises."""

    CATALOGUE_CARD = "catalogue-card"
    CORRESPONDENCE = "correspondence"


@dataclass(frozen=True)
class Located:
    """A value with the span of source text it was read from."""

    value: str
    span: Span


@dataclass
class Warning_:
    """Something a parser noticed but could work around; reported in the build summary."""

    line: int
    message: str


@dataclass
class ParsedDocument:
    """What every parser returns: the source, its kind, and warnings."""

    source: SourceText
    kind: DocumentKind
    warnings: list[Warning_] = field(default_factory=list, kw_only=True)

    def warn(self, offset: int, message: str) -> None:
        self.warnings.append(Warning_(self.source.line_of(offset), message))
