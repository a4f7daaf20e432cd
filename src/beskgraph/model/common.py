"""Records and enumerations shared by every document kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..text import SourceText, Span
from ..vocabulary import BG, SH
from ..vocabulary.controlled import Controlled

MAX_WARNINGS = 50  # per document; further warnings are counted, not kept


class DocumentKind(Controlled):
    """The kinds of source document the pipeline recognises."""

    CATALOGUE_CARD = "catalogue-card", BG.CatalogueCard
    CORRESPONDENCE = "correspondence", BG.Correspondence
    PARLIAMENTARY_ANSWER = "parliamentary-answer", BG.ParliamentaryAnswer  # a minister's answer to a question
    PRESS_RELEASE = "press-release", BG.PressRelease
    WEB_PAGE = "web-page", BG.WebPage  # an agency's web page
    COMMITTEE_LETTER = "committee-letter", BG.CommitteeLetter  # a letter to a parliamentary committee
    OTHER = "other", BG.Other  # any other readable text


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
    more_warnings: int = field(default=0, kw_only=True)  # warnings past MAX_WARNINGS

    def warn(self, offset: int, message: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(Warning_(self.source.line_of(offset), message))
        else:
            self.more_warnings += 1


class Severity(Controlled):
    """How bad a problem is: a violation leaves its document out, a warning does not."""

    VIOLATION = "violation", SH.Violation
    WARNING = "warning", SH.Warning


class Stage(str, Enum):
    """Where in the pipeline a problem was found."""

    READ = "read"  # the bytes are not text (empty, binary, undecodable, too large)
    PARSE = "parse"  # the text is not a document of its kind, or only partly
    CORPUS = "corpus"  # it clashes with another document (duplicate card, same name)
    MAP = "map"  # turning the records into RDF failed
    VALIDATE = "validate"  # the graph breaks a SHACL shape


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document: where (line, focus node, path) and why."""

    severity: Severity
    stage: Stage
    message: str
    line: int | None = None
    focus: str | None = None  # IRI of the node the problem is about
    path: str | None = None  # IRI of the property

    def describe(self, document: str) -> str:
        """``file:line: message [<focus> path]``, the form the summary prints."""
        where = f"{document}:{self.line}" if self.line else document
        about = f" <{self.focus}>" if self.focus else ""
        about += f" [{self.path}]" if self.path else ""
        return f"{where}:{about}: {self.message}" if about else f"{where}: {self.message}"


class Status(Controlled):
    """What became of a source document in a build."""

    OK = "ok", BG.Valid
    WARNINGS = "warnings", BG.ValidWithWarnings  # built, with warnings
    LEFT_OUT = "left-out", BG.LeftOut  # not built: its problems say why

    @classmethod
    def of(cls, problems: list[Problem]) -> Status:
        if any(p.severity is Severity.VIOLATION for p in problems):
            return cls.LEFT_OUT
        return cls.WARNINGS if problems else cls.OK
