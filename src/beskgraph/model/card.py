"""Records of a catalogue card: an intervention, its target groups and its tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..text import Span
from ..vocabulary import BG
from ..vocabulary.controlled import Controlled
from .common import Located, ParsedDocument
from .correspondence import Figure


class TestKind(Controlled):
    """The catalogue's two tests; the value is the IRI slug."""

    __test__ = False  # not a pytest class

    EVIDENCE = "evidence", BG.EvidenceTest
    GOOD_PRACTICE = "good-practice", BG.GoodPracticeTest


class Answer(Controlled):
    """An answer to a criterion, and the score the catalogue gives it; most positive first."""

    YES = "yes", BG.Yes
    PARTIAL = "partial", BG.Partial
    NO = "no", BG.No

    @property
    def points(self) -> float:
        return {Answer.YES: 5.0, Answer.PARTIAL: 2.5, Answer.NO: 0.0}[self]


class TargetGroupKind(Controlled):
    """Kinds of target group on a card, kept apart in the concept scheme."""

    BROAD = "broad", BG.BroadGroup  # Ledige; Borgere langt fra arbejdsmarkedet
    LEGAL = "legal", BG.LegalTargetGroup  # §6.1 Dagpengemodtagere
    SEGMENT = "segment", BG.Segment  # Længerevarende ledige, Alle borgere over 30 år
    CATCH_ALL = "catch-all", BG.CatchAll  # Alle målgrupper


class Section(str, Enum):
    """The card's text sections, by their heading on the page."""

    DESCRIPTION = "Kommunens beskrivelse af indsatsen"
    EXPERIENCES = "Erfaringer og resultater"
    ORGANISATION = "Krav til organisering"
    ADVICE = "Gode råd"
    MANAGEMENT = "Ledelsens anbefaling"


@dataclass(frozen=True)
class TargetGroupRef:
    """A target-group bullet: its label, its name (a legal group's without its § item),
    its kind and, for a legal group, its § 6 item."""

    label: str
    name: str
    kind: TargetGroupKind
    span: Span
    notation: str | None = None  # "§6.1"
    paragraph: str | None = None  # "6"
    item: str | None = None  # "1"


@dataclass(frozen=True)
class Assessment:
    """One answer on a test: value, threshold named by its wording, text as written."""

    position: int
    answer: Answer
    text: str
    span: Span
    threshold: int | None
    inferred: bool
    criterion_key: str  # normalised wording without its threshold; matched into criteria


@dataclass(frozen=True)
class Criterion:
    """A criterion the corpus's answers were matched to: its test, the key that names it
    (the first of its wordings' keys) and its statement, the threshold left open."""

    kind: TestKind
    key: str
    statement: str


# (test, an answer's criterion key) -> the criterion it was matched to, corpus-wide
CriterionIndex = dict[tuple[TestKind, str], Criterion]


@dataclass
class TestResult:
    """A test block: its kind, published score, stated scope and answers."""

    __test__ = False

    kind: TestKind
    score: float
    score_text: Located
    scope: Located | None
    assessments: list[Assessment]
    span: Span

    @property
    def computed_score(self) -> float | None:
        """Mean of Ja = 5, Delvist = 2.5, Nej = 0, to one decimal (half up)."""
        if not self.assessments:
            return None
        mean = sum(a.answer.points for a in self.assessments) / len(self.assessments)
        return int(mean * 10 + 0.5 + 1e-9) / 10


@dataclass
class Card(ParsedDocument):
    """One intervention card of the national catalogue."""

    municipality: Located
    municipality_code: str
    title: Located
    target_groups: list[TargetGroupRef] = field(default_factory=list)
    sections: dict[Section, Located] = field(default_factory=dict)
    tests: list[TestResult] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)  # case loads its sections state
