"""The ``documents`` list: every source document with its kind, status and problems, so a
front-end can say "3 documents need attention" and show why (enums, filter, listing)."""

from __future__ import annotations

from enum import Enum

import strawberry

from beskgraph.api.graphql.mapping import DOCUMENT_KINDS, DOCUMENT_STATUSES, ENTITIES
from beskgraph.api.graphql.queries import Listing, field_key, iri

DOCUMENT = ENTITIES["Document"]


@strawberry.enum(description="What kind of text a source document is.")
class DocumentKind(Enum):
    CATALOGUE_CARD = "CATALOGUE_CARD"
    CORRESPONDENCE = "CORRESPONDENCE"
    PARLIAMENTARY_ANSWER = "PARLIAMENTARY_ANSWER"
    PRESS_RELEASE = "PRESS_RELEASE"
    WEB_PAGE = "WEB_PAGE"
    COMMITTEE_LETTER = "COMMITTEE_LETTER"
    OTHER = "OTHER"


@strawberry.enum(description="What became of a source document when the graph was built.")
class DocumentStatus(Enum):
    OK = "OK"
    WARNINGS = "WARNINGS"
    LEFT_OUT = "LEFT_OUT"


@strawberry.enum(description="A violation leaves its document out; a warning does not.")
class Severity(Enum):
    VIOLATION = "VIOLATION"
    WARNING = "WARNING"


@strawberry.input(description="Documents with one of these statuses (and kinds).")
class DocumentFilter:
    status: list[DocumentStatus] | None = None
    kind: list[DocumentKind] | None = None


@strawberry.enum
class DocumentOrderField(Enum):
    NAME = "name"


@strawberry.input
class DocumentOrder:
    field: DocumentOrderField = DocumentOrderField.NAME


def _one_of(path: str, values: list[str], var: str) -> str:
    return f"?s {path} ?{var} . VALUES ?{var} {{ {' '.join(iri(v) for v in values)} }}"


def documents(filter: DocumentFilter | None, order: DocumentOrder | None) -> Listing:
    """Source documents by file name, filtered by status and kind."""
    patterns = []
    if filter and filter.status:
        wanted = [i for i, name in DOCUMENT_STATUSES.items() if DocumentStatus[name] in filter.status]
        patterns.append(_one_of(DOCUMENT.prop("status").sparql_path, wanted, "_status"))
    if filter and filter.kind:
        wanted = [i for i, name in DOCUMENT_KINDS.items() if DocumentKind[name] in filter.kind]
        patterns.append(_one_of(DOCUMENT.prop("kind").sparql_path, wanted, "_kind"))
    return Listing(DOCUMENT, tuple(patterns), field_key(DOCUMENT, (order or DocumentOrder()).field.value))
