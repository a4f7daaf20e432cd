"""Records of correspondence: a parliamentary appendix, its letters and what they state.

Every record carries the :class:`Span` of source text it was read from. Dates are ISO
strings (``"2018-08-31"``); periods are a start and an end date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..text import Span
from ..vocabulary import BG, ORG, SCHEMA
from ..vocabulary.controlled import Controlled
from .common import ParsedDocument


class Side(str, Enum):
    """Which side of the correspondence a party belongs to."""

    MINISTRY = "ministry"
    MUNICIPALITY = "municipality"
    PARLIAMENT = "parliament"
    OTHER = "other"


@dataclass(frozen=True)
class PageMarker:
    """A page-image name left by the PDF extraction (``2567877_0003.png``)."""

    name: str
    page: int
    span: Span


@dataclass(frozen=True)
class Appendix:
    """The parliamentary appendix bundling the letters (``BEU Alm.del Bilag 243``)."""

    committee: str | None
    abbreviation: str | None
    session: str | None
    collection: str | None
    number: int | None
    title: str | None
    public_status: str | None
    span: Span
    pages: tuple[PageMarker, ...] = ()


@dataclass(frozen=True)
class Party:
    """A sender or recipient: an organisation (and unit), or a person holding a role."""

    side: Side
    organisation: str | None
    span: Span
    unit: str | None = None
    municipality_code: str | None = None
    person: str | None = None
    role: str | None = None
    person_span: Span | None = None  # where the person is named, when not at ``span``


class PartyKind(Controlled):
    """What a sender, recipient or signatory is, by the class of its node; the most specific
    first (a municipality is an organisation too)."""

    MUNICIPALITY = "municipality", BG.Municipality
    UNIT = "unit", ORG.OrganizationalUnit
    POST = "post", ORG.Post
    PERSON = "person", SCHEMA.Person
    ORGANISATION = "organisation", ORG.Organization


class IdentifierScheme(str, Enum):
    """The kinds of case and journal number a letter carries: the value written in the graph,
    and the scheme's name in Danish."""

    label: str

    def __new__(cls, value: str, label: str) -> IdentifierScheme:
        member = str.__new__(cls, value)
        member._value_, member.label = value, label
        return member

    JNR = "jnr", "Journalnummer"
    SAG = "sag", "Sag"
    SAGSNR = "sagsnr", "Sagsnummer"
    SAGSID = "sagsid", "Sags-id"
    DOKUMENTNUMMER = "dokumentnummer", "Dokumentnummer"
    REF = "ref", "Reference"  # "Vores ref.", "Deres ref."


@dataclass(frozen=True)
class Identifier:
    """A case or journal number: its scheme and its value as written."""

    scheme: IdentifierScheme
    value: str
    span: Span


@dataclass
class Letter:
    """One letter: in the document, or only referred to by another letter."""

    key: str
    span: Span
    date: str | None = None
    date_text: str | None = None
    date_span: Span | None = None
    period: tuple[str, str] | None = None  # when only a month is known
    received: str | None = None
    received_span: Span | None = None
    sender: Party | None = None
    recipients: list[Party] = field(default_factory=list)
    signatories: list[Party] = field(default_factory=list)
    subject: str | None = None
    subject_span: Span | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    text: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    encloses: list[str] = field(default_factory=list)
    referred_only: bool = False
    municipality_code: str | None = None  # the municipality the letter concerns
    municipality_score: float = 1.0  # how closely its name matched (below 1: read through OCR slips)

    @property
    def sort_date(self) -> str:
        return self.date or (self.period[0] if self.period else "9999")


class MentionKind(str, Enum):
    MUNICIPALITY = "municipality"
    ORGANISATION = "organisation"
    IT_SYSTEM = "it-system"


@dataclass(frozen=True)
class Mention:
    """An entity named in a letter: municipality (by kommunekode), organisation, IT system."""

    letter: str
    kind: MentionKind
    label: str
    surface: str
    span: Span
    municipality_code: str | None = None
    score: float = 1.0  # how closely the surface matched the name (below 1: read through OCR slips)


class DeadlineKind(str, Enum):
    """A deadline is one day or a period; the value is written in the graph."""

    DATE = "date"
    PERIOD = "period"


@dataclass(frozen=True)
class Deadline:
    """When something is promised: a date, or a period ``start``..``end``."""

    start: str
    end: str
    kind: DeadlineKind
    text: str
    span: Span
    onwards: bool = False
    relative: str | None = None  # ISO 8601 duration for "senest om 6 måneder"


@dataclass
class Commitment:
    """What a municipality promised, by when, and where the minister acknowledged it."""

    text: str
    span: Span
    municipality_code: str
    letter: str
    deadline: Deadline
    acknowledged_by: str | None = None
    acknowledgement_span: Span | None = None


@dataclass(frozen=True)
class Initiative:
    """A concrete initiative a reply lists (a list item, a lettered section, a table row)."""

    title: str
    span: Span
    municipality_code: str | None
    letter: str
    description: str | None = None
    label: str | None = None  # "A", "Jobsamtale 3"
    week_deadline: int | None = None
    focus: str | None = None
    purpose: str | None = None
    status: str | None = None
    purpose_span: Span | None = None  # a table row's cells have spans of their own
    status_span: Span | None = None
    position: int | None = None  # order in its letter, from 1


def provision_citation(paragraph: str, subsection: str | None, item: str | None) -> str:
    """The canonical citation of a subdivision of an act: ``§ 6, nr. 1``, ``§ 16a, stk. 1``."""
    parts = [f"§ {paragraph}"]
    if subsection:
        parts.append(f"stk. {subsection}")
    if item:
        parts.append(f"nr. {item}")
    return ", ".join(parts)


@dataclass(frozen=True)
class LegalCitation:
    """A citation of a provision: act type, number, year, date as written, §, stk., nr."""

    act_type: str  # LBK, LOV, BEK
    number: int
    year: int
    date_text: str | None
    paragraph: str | None
    subsection: str | None
    item: str | None
    text: str
    span: Span
    letter: str | None = None

    @property
    def provision(self) -> str | None:
        """``"§ 16a, stk. 1"``: the cited provision (ELI's local id), or None for a whole act."""
        if self.paragraph is None:
            return None
        return provision_citation(self.paragraph, self.subsection, self.item)


@dataclass(frozen=True)
class Figure:
    """A figure stated in a text: value, unit, what it measures, its period and subject."""

    value: float
    unit: str
    measure: str
    span: Span
    period: str | None = None  # as written
    period_start: str | None = None
    period_end: str | None = None
    subject: str | None = None  # an area or organisation by name
    municipality_code: str | None = None
    letter: str | None = None


@dataclass
class Correspondence(ParsedDocument):
    """A document of letters between ministry, municipalities and parliament."""

    appendix: Appendix | None = None
    letters: list[Letter] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    citations: list[LegalCitation] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    def letter(self, key: str) -> Letter:
        return next(letter for letter in self.letters if letter.key == key)
