"""GraphQL enums and the filter and order inputs of the lists.

An enum over controlled values has the values' IRIs as its Python values, so a node's
value converts to a member by lookup and a filter's member is the IRI to match; each
value's description is the ontology's. Order fields name the declared fields they sort
by (``listings.py`` reads their paths from the declarations).
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

import strawberry
from strawberry.types.enum import EnumValueDefinition

from beskgraph.api.graphql.ontology import describe
from beskgraph.vocabulary import BG, ORG, SCHEMA, SH


def term(iri: str, description: str | None = None) -> Any:
    """An enum value standing for an ontology term, described as the ontology describes it (typed
    ``Any``: ``strawberry.enum`` puts the IRI in its place, so the member's value is a str)."""
    return strawberry.enum_value(str(iri), description=description or describe(iri))


def _field(description: str) -> Any:  # a dataclass field, typed as its attribute
    return strawberry.field(default=None, description=description)


# ---------------------------------------------------------------------------
# Controlled values


@strawberry.enum(description=describe(BG.TestKind))
class TestKind(Enum):
    EVIDENCE = term(
        BG.EvidenceTest, "Evidenstest: the test of how far the intervention follows the evidence."
    )
    GOOD_PRACTICE = term(BG.GoodPracticeTest, "God praksis test: the test of how it is run in practice.")


@strawberry.enum(description=describe(BG.AnswerValue))
class Answer(Enum):
    YES = term(BG.Yes, "Ja: the criterion is met (5 points).")
    PARTIAL = term(BG.Partial, "Delvist: the criterion is partly met (2.5 points).")
    NO = term(BG.No, "Nej: the criterion is not met (0 points).")


@strawberry.enum(description=describe(BG.TargetGroupKind))
class TargetGroupKind(Enum):
    BROAD = term(BG.BroadGroup)
    LEGAL = term(BG.LegalTargetGroup, "Legal target group: a group defined by a provision of law (§ 6).")
    SEGMENT = term(BG.Segment)
    CATCH_ALL = term(BG.CatchAll)


@strawberry.enum(description="What a party of a letter is; each value is the RDF class of its nodes.")
class PartyKind(Enum):
    MUNICIPALITY = term(BG.Municipality)
    UNIT = term(ORG.OrganizationalUnit, "A unit of an organisation (a job centre, a department).")
    POST = term(ORG.Post, "A post in an organisation (borgmester, jobcenterchef), whoever holds it.")
    PERSON = term(SCHEMA.Person, "A person, named in a letter.")
    ORGANISATION = term(
        ORG.Organization,
        "An organisation other than a municipality (a ministry, a committee, an association).",
    )


@strawberry.enum(description=describe(BG.DocumentKind))
class DocumentKind(Enum):
    CATALOGUE_CARD = term(BG.CatalogueCard)
    CORRESPONDENCE = term(BG.Correspondence)
    PARLIAMENTARY_ANSWER = term(BG.ParliamentaryAnswer)
    PRESS_RELEASE = term(BG.PressRelease)
    WEB_PAGE = term(BG.WebPage)
    COMMITTEE_LETTER = term(BG.CommitteeLetter)
    OTHER = term(BG.Other)


@strawberry.enum(description=describe(BG.DocumentStatus))
class DocumentStatus(Enum):
    OK = term(BG.Valid, "Valid: everything read from the document is served.")
    WARNINGS = term(BG.ValidWithWarnings, "Valid with warnings: served; its problems say what is incomplete.")
    LEFT_OUT = term(BG.LeftOut)


@strawberry.enum(description="How bad a problem is.")
class Severity(Enum):
    VIOLATION = term(SH.Violation, "A violation: the document is left out.")
    WARNING = term(SH.Warning, "A warning: the document is served, incomplete.")


# ---------------------------------------------------------------------------
# Orderings


@strawberry.enum(description="Which way a list is ordered.")
class Direction(Enum):
    ASC = strawberry.enum_value("ASC", description="Ascending: A before B, 1 before 2, earlier before later.")
    DESC = strawberry.enum_value("DESC", description="Descending: the reverse.")


def _by(field: str, description: str) -> EnumValueDefinition:
    return strawberry.enum_value(field, description=description)


@strawberry.enum(description="What municipalities are ordered by.")
class MunicipalityOrderField(Enum):
    CODE = _by("code", "Kommunekode.")
    NAME = _by("name", "Name.")


@strawberry.enum(description="What regions are ordered by.")
class RegionOrderField(Enum):
    NAME = _by("name", "Name.")


@strawberry.enum(description="What interventions are ordered by.")
class InterventionOrderField(Enum):
    TITLE = _by("title", "Title.")
    SCORE = _by("score", "Published score on the test named by `testKind` (none sorts lowest).")


@strawberry.enum(description="What criteria are ordered by.")
class CriterionOrderField(Enum):
    STATEMENT = _by("statement", "Statement.")


@strawberry.enum(description="What assessments are ordered by.")
class AssessmentOrderField(Enum):
    POSITION = _by("position", "Place in its test.")


@strawberry.enum(description="What letters are ordered by.")
class LetterOrderField(Enum):
    DATE = _by("date", "Date sent (letters without one sort first).")
    SUBJECT = _by("subject", "Subject.")


@strawberry.enum(description="What commitments are ordered by.")
class CommitmentOrderField(Enum):
    DEADLINE = _by("deadline", "First day of the deadline.")


@strawberry.enum(description="What initiatives are ordered by.")
class InitiativeOrderField(Enum):
    POSITION = _by("position", "Place in its letter's list.")
    TITLE = _by("title", "Title.")


@strawberry.enum(description="What parties are ordered by.")
class PartyOrderField(Enum):
    NAME = _by("name", "Name.")


@strawberry.enum(description="What target groups are ordered by.")
class TargetGroupOrderField(Enum):
    LABEL = _by("label", "Label.")


@strawberry.enum(description="What legal provisions are ordered by.")
class LegalProvisionOrderField(Enum):
    CITATION = _by("citation", "Citation.")


@strawberry.enum(description="What source documents are ordered by.")
class DocumentOrderField(Enum):
    NAME = _by("name", "File name.")


@strawberry.enum(description="What mentions are ordered by.")
class MentionOrderField(Enum):
    SURFACE_FORM = _by("surface_form", "The words as written.")


def _what(default: Enum | None = None) -> Any:
    """An order's ``field`` (given, or ``default``)."""
    if default is None:
        return strawberry.field(description="What to order by.")
    return strawberry.field(default=default, description="What to order by.")


def _direction() -> Any:
    """An order's ``direction``."""
    return strawberry.field(default=Direction.ASC, description="Ascending unless DESC.")


@strawberry.input(description="The order of a list of municipalities.")
class MunicipalityOrder:
    field: MunicipalityOrderField = _what()
    direction: Direction = _direction()


@strawberry.input(description="The order of a list of regions.")
class RegionOrder:
    field: RegionOrderField = _what(RegionOrderField.NAME)
    direction: Direction = _direction()


@strawberry.input(
    description="The order of a list of interventions: by title, or by the published score of one test."
)
class InterventionOrder:
    field: InterventionOrderField = _what()
    direction: Direction = _direction()
    test_kind: TestKind = strawberry.field(
        default=TestKind.EVIDENCE, description="The test whose score orders the list (with `field: SCORE`)."
    )


@strawberry.input(description="The order of a list of criteria.")
class CriterionOrder:
    field: CriterionOrderField = _what()
    direction: Direction = _direction()


@strawberry.input(description="The order of a list of assessments.")
class AssessmentOrder:
    field: AssessmentOrderField = _what()
    direction: Direction = _direction()


@strawberry.input(description="The order of a list of letters.")
class LetterOrder:
    field: LetterOrderField = _what()
    direction: Direction = _direction()


@strawberry.input(description="The order of a list of commitments.")
class CommitmentOrder:
    field: CommitmentOrderField = _what()
    direction: Direction = _direction()


@strawberry.input(description="The order of a list of initiatives.")
class InitiativeOrder:
    field: InitiativeOrderField = _what()
    direction: Direction = _direction()


@strawberry.input(description="The order of a list of parties.")
class PartyOrder:
    field: PartyOrderField = _what(PartyOrderField.NAME)
    direction: Direction = _direction()


@strawberry.input(description="The order of a list of target groups.")
class TargetGroupOrder:
    field: TargetGroupOrderField = _what(TargetGroupOrderField.LABEL)
    direction: Direction = _direction()


@strawberry.input(description="The order of a list of legal provisions.")
class LegalProvisionOrder:
    field: LegalProvisionOrderField = _what(LegalProvisionOrderField.CITATION)
    direction: Direction = _direction()


@strawberry.input(description="The order of a list of source documents.")
class DocumentOrder:
    field: DocumentOrderField = _what(DocumentOrderField.NAME)
    direction: Direction = _direction()


@strawberry.input(description="The order of a list of mentions.")
class MentionOrder:
    field: MentionOrderField = _what(MentionOrderField.SURFACE_FORM)
    direction: Direction = _direction()


# ---------------------------------------------------------------------------
# Filters (every condition given must hold; text matches ignore case)

_TEXT = (
    "Has every word of this text in its names, titles, statements, descriptions or texts, by the "
    "words' Danish stems (`samtaler` finds `samtale`), in any case."
)
_MUNICIPALITY = "The municipality's kommunekode, e.g. 410."


@strawberry.input(description="At least this published score on one test.")
class MinScore:
    test_kind: TestKind = strawberry.field(description="The test.")
    score: float = strawberry.field(description="The lowest score kept (0-5).")


@strawberry.input(description="Which municipalities to list.")
class MunicipalityFilter:
    region: str | None = _field("Part of the region's name, any case.")
    text: str | None = _field(_TEXT)


@strawberry.input(description="Which regions to list.")
class RegionFilter:
    text: str | None = _field(_TEXT)


@strawberry.input(description="Which interventions to list.")
class InterventionFilter:
    municipality: str | None = _field(_MUNICIPALITY)
    target_group: strawberry.ID | None = _field("A target group's ID or IRI.")
    legal_provision: strawberry.ID | None = _field(
        "ID or IRI of the provision of law defining a target group."
    )
    min_score: list[MinScore] | None = _field("Published scores at least these, each on its test.")
    text: str | None = _field(_TEXT)


@strawberry.input(description="Which criteria to list.")
class CriterionFilter:
    test_kind: TestKind | None = _field("The test the criterion belongs to.")
    text: str | None = _field(_TEXT)


@strawberry.input(description="Which assessments to list.")
class AssessmentFilter:
    answer: list[Answer] | None = _field("One of these answers.")
    test_kind: TestKind | None = _field("On this test.")
    criterion: strawberry.ID | None = _field("A criterion's ID or IRI.")
    municipality: str | None = _field("Of an intervention of this municipality (kommunekode).")
    inferred: bool | None = _field("Whether the answer was inferred from its wording.")


@strawberry.input(description="Which letters to list.")
class LetterFilter:
    municipality: str | None = _field(
        "The letter is about this municipality (kommunekode): the same letters "
        "as that municipality's `letters`."
    )
    mentions: str | None = _field(
        "The letter mentions this municipality (kommunekode): the same letters as "
        "that municipality's `mentionedIn`."
    )
    date_from: dt.date | None = _field("Sent on or after this day.")
    date_to: dt.date | None = _field("Sent on or before this day.")
    sender: str | None = _field("Part of the sender's name, any case.")
    referred_only: bool | None = _field(
        "true: only letters known from other letters' references; false: only letters the documents hold."
    )
    text: str | None = _field(_TEXT)


@strawberry.input(description="Which commitments to list.")
class CommitmentFilter:
    municipality: str | None = _field("Given by this municipality (kommunekode).")
    letter: strawberry.ID | None = _field("Stated in this letter (ID or IRI).")
    deadline_from: dt.date | None = _field("Deadline starting on or after this day.")
    deadline_to: dt.date | None = _field("Deadline starting on or before this day.")
    text: str | None = _field(_TEXT)


@strawberry.input(description="Which initiatives to list.")
class InitiativeFilter:
    municipality: str | None = _field("Of this municipality (kommunekode).")
    letter: strawberry.ID | None = _field("Described in this letter (ID or IRI).")
    text: str | None = _field(_TEXT)


@strawberry.input(description="Which parties to list.")
class PartyFilter:
    party_kind: list[PartyKind] | None = _field("Of one of these kinds.")
    name: str | None = _field("Part of the name, any case.")
    municipality: str | None = _field("The municipality the party is or belongs to (kommunekode).")


@strawberry.input(description="Which target groups to list.")
class TargetGroupFilter:
    target_group_kind: list[TargetGroupKind] | None = _field("Of one of these kinds.")
    text: str | None = _field(_TEXT)


@strawberry.input(description="Which legal provisions to list.")
class LegalProvisionFilter:
    text: str | None = _field(_TEXT)


@strawberry.input(description="Which source documents to list.")
class DocumentFilter:
    status: list[DocumentStatus] | None = _field("With one of these statuses.")
    document_kind: list[DocumentKind] | None = _field("Of one of these kinds.")


@strawberry.input(description="Which mentions to list.")
class MentionFilter:
    text: str | None = _field("Part of the mention's surface form, any case.")
