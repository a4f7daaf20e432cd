"""GraphQL enums and input types (filters and orderings)."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry


@strawberry.enum(description="The two tests of the catalogue.")
class TestKind(Enum):
    EVIDENCE = "EVIDENCE"
    GOOD_PRACTICE = "GOOD_PRACTICE"


@strawberry.enum(description="An answer to a criterion.")
class Answer(Enum):
    YES = "YES"
    PARTIAL = "PARTIAL"
    NO = "NO"


@strawberry.enum(description="The kind of a target group.")
class TargetGroupKind(Enum):
    BROAD = "BROAD"
    LEGAL = "LEGAL"
    SEGMENT = "SEGMENT"
    CATCH_ALL = "CATCH_ALL"


@strawberry.enum(description="What a party of a letter is.")
class PartyKind(Enum):
    MUNICIPALITY = "MUNICIPALITY"
    ORGANISATION = "ORGANISATION"
    UNIT = "UNIT"
    POST = "POST"
    PERSON = "PERSON"


@strawberry.enum
class Direction(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.enum
class MunicipalityOrderField(Enum):
    CODE = "code"
    NAME = "name"


@strawberry.enum
class InterventionOrderField(Enum):
    TITLE = "title"
    SCORE = "score"


@strawberry.enum
class CriterionOrderField(Enum):
    STATEMENT = "statement"


@strawberry.enum
class LetterOrderField(Enum):
    DATE = "date"
    SUBJECT = "subject"


@strawberry.input
class MunicipalityOrder:
    field: MunicipalityOrderField
    direction: Direction = Direction.ASC


@strawberry.input(description="Order by title or by the published score of one test.")
class InterventionOrder:
    field: InterventionOrderField
    direction: Direction = Direction.ASC
    test_kind: TestKind = TestKind.EVIDENCE


@strawberry.input
class CriterionOrder:
    field: CriterionOrderField
    direction: Direction = Direction.ASC


@strawberry.input
class LetterOrder:
    field: LetterOrderField
    direction: Direction = Direction.ASC


@strawberry.input(description="At least this published score on one test.")
class MinScore:
    test_kind: TestKind
    score: float


@strawberry.input
class InterventionFilter:
    municipality: str | None = strawberry.field(default=None, description="A kommunekode, e.g. 410.")
    target_group: strawberry.ID | None = strawberry.field(default=None, description="ID or IRI.")
    legal_provision: strawberry.ID | None = strawberry.field(
        default=None, description="ID or IRI of the provision defining a target group."
    )
    min_score: list[MinScore] | None = None
    text: str | None = strawberry.field(default=None, description="In the title or description.")


@strawberry.input
class CriterionFilter:
    test_kind: TestKind | None = None
    text: str | None = None


@strawberry.input
class LetterFilter:
    municipality: str | None = strawberry.field(default=None, description="A kommunekode.")
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sender: str | None = strawberry.field(default=None, description="Part of the sender's name.")
    text: str | None = None


@strawberry.input
class MunicipalityFilter:
    region: str | None = strawberry.field(default=None, description="Part of the region's name.")
    text: str | None = None
