"""Records of any other text (an answer to parliament, a press release, a web page, a
letter to a committee, …): what a generic reader takes from it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..text import Span
from .common import Located, ParsedDocument
from .correspondence import Figure, LegalCitation


@dataclass(frozen=True)
class Dated:
    """A date read from the text: ISO value, or None when it could not be read."""

    value: str | None
    text: str
    span: Span


@dataclass(frozen=True)
class MunicipalityMention:
    """The first place a text names a municipality."""

    code: str
    surface: str
    span: Span


@dataclass(frozen=True)
class LetterReference:
    """A letter the text refers to by its date: ``brevet af 29. januar 2018``."""

    date: str
    text: str
    span: Span


@dataclass(frozen=True)
class PersonRole:
    """A person named with a role: ``beskæftigelsesminister Peter Hummelgaard``."""

    name: str
    role: str
    span: Span


@dataclass
class Publication(ParsedDocument):
    """A text of any kind but card or correspondence."""

    title: Located | None = None
    published: Dated | None = None
    updated: Dated | None = None
    municipalities: list[MunicipalityMention] = field(default_factory=list)
    letters: list[LetterReference] = field(default_factory=list)
    citations: list[LegalCitation] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    persons: list[PersonRole] = field(default_factory=list)
