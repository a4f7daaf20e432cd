"""The GraphQL schema: object types over the mapping table, resolved by batched SPARQL.

Objects hold only their IRI; each field asks the request's Loader, which batches
siblings into one query per type and level. Field names and predicates come from
``mapping.ENTITIES`` (one table, checked against the SHACL shapes by the tests).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from beskgraph.api.graphql import listings
from beskgraph.api.graphql.documents import (
    DocumentFilter,
    DocumentKind,
    DocumentOrder,
    DocumentStatus,
    Severity,
)
from beskgraph.api.graphql.documents import documents as documents_listing
from beskgraph.api.graphql.execution import GuardedSchema
from beskgraph.api.graphql.ids import decode_id, encode_id, node_iri
from beskgraph.api.graphql.inputs import (
    Answer,
    CriterionFilter,
    CriterionOrder,
    InterventionFilter,
    InterventionOrder,
    LetterFilter,
    LetterOrder,
    MunicipalityFilter,
    MunicipalityOrder,
    PartyKind,
    TargetGroupKind,
    TestKind,
)
from beskgraph.api.graphql.loaders import Loader, Record
from beskgraph.api.graphql.mapping import (
    ANSWERS,
    DOCUMENT_KINDS,
    DOCUMENT_STATUSES,
    ENTITIES,
    PARTY_KINDS,
    SEVERITIES,
    TARGET_GROUP_KINDS,
    TEST_KINDS,
    union_member,
)
from beskgraph.api.graphql.pagination import Page, PageRequest, Row, encode_cursor, finish_page, slice_rows
from beskgraph.api.graphql.queries import Listing, search_count_query, search_query

T = TypeVar("T")


@dataclass
class Context:
    """Per-request context: the loader (and through it, the SPARQL sent)."""

    loader: Loader


def _loader(info: Info) -> Loader:
    return info.context.loader


# ---------------------------------------------------------------------------
# Node and field factories


@strawberry.interface(description="An object with a global ID; `iri` is its RDF node.")
class Node:
    node_iri: strawberry.Private[str]

    @strawberry.field(description="Global Relay ID (base64url of `Type:IRI`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id(type(self).__name__, self.node_iri))

    @strawberry.field(description="The IRI of the RDF node.")
    def iri(self) -> str:
        return self.node_iri


TYPES: dict[str, type[Node]] = {}


def make(type_name: str, iri: str) -> Any:
    """An object of GraphQL type ``type_name`` for ``iri``."""
    return TYPES[type_name](node_iri=iri)


async def record_of(root: Node, info: Info) -> Record:
    return await _loader(info).record(type(root).__name__, root.node_iri)


def _resolver(field: str, returns: str, convert: Callable[[Any], Any], many: bool) -> Callable:
    async def resolve(root: Node, info: Info) -> Any:
        record = await record_of(root, info)
        if many:
            return [convert(v) for v in record.all(field)]
        value = record.one(field)
        return None if value is None else convert(value)

    resolve.__annotations__ = {"info": Info, "return": returns}
    return resolve


def value(field: str, returns: str, *, many: bool = False, description: str | None = None) -> Any:
    """A literal field (``returns`` is the GraphQL Python type, as text)."""
    convert = _CONVERTERS.get(returns.removeprefix("list[").split("]")[0].split(" ")[0], _identity)
    return strawberry.field(resolver=_resolver(field, returns, convert, many), description=description)


def link(field: str, type_name: str, *, many: bool = False, description: str | None = None) -> Any:
    """A field whose values are nodes of another type."""
    returns = f"list[{type_name}]" if many else f"{type_name} | None"
    return strawberry.field(
        resolver=_resolver(field, returns, lambda iri: make(type_name, str(iri)), many),
        description=description,
    )


def union_link(field: str, union: str, *, many: bool = False) -> Any:
    """A field whose values are nodes of several types, told apart by their rdf:types."""

    async def resolve(root: Node, info: Info) -> Any:
        record = await record_of(root, info)
        iris = [str(v) for v in record.all(field)]
        loader = _loader(info)
        types = await asyncio.gather(*(loader.types(i) for i in iris))
        found = [make(m, i) for i, t in zip(iris, types, strict=True) if (m := union_member(union, t))]
        return found if many else (found[0] if found else None)

    resolve.__annotations__ = {"info": Info, "return": f"list[{union}]" if many else f"{union} | None"}
    return strawberry.field(resolver=resolve)


def enum(field: str, enum_type: type, table: dict[str, str]) -> Any:
    returns = f"{enum_type.__name__} | None"
    return strawberry.field(resolver=_resolver(field, returns, lambda iri: enum_type[table[str(iri)]], False))


def _identity(value: Any) -> Any:
    return value


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "str": str,
    "float": float,
    "int": int,
    "bool": bool,
    "dt.date": _date,
}


# ---------------------------------------------------------------------------
# Connections


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of a list, with keyset cursors.")
class Connection(Generic[T]):
    """Built lazily: a client asking only ``totalCount`` pays for no page, edge or cursor."""

    rows: strawberry.Private[Callable[[], Page]]
    type_name: strawberry.Private[str | None]  # None: rows are (type, IRI) (search)
    total: strawberry.Private[Callable[[], Awaitable[int]]]

    def _node(self, row: Row) -> Any:
        return make(self.type_name or str(row[0]), row[1])

    @strawberry.field
    def edges(self) -> list[Edge[T]]:
        return [Edge(cursor=encode_cursor(row), node=self._node(row)) for row in self.rows().rows]

    @strawberry.field
    def nodes(self) -> list[T]:
        return [self._node(row) for row in self.rows().rows]

    @strawberry.field
    def page_info(self) -> PageInfo:
        page = self.rows()
        return PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=encode_cursor(page.rows[0]) if page.rows else None,
            end_cursor=encode_cursor(page.rows[-1]) if page.rows else None,
        )

    @strawberry.field(description="Number of items in the whole list (all pages).")
    async def total_count(self) -> int:
        return await self.total()


def connection(page: Callable[[], Page], type_name: str | None, total: Callable[[], Awaitable[int]]) -> Any:
    """A Connection of a page (made on first use); ``type_name`` None: rows are (type, IRI)."""
    return Connection(rows=functools.cache(page), type_name=type_name, total=total)


async def top_level(info: Info, listing: Listing, request: PageRequest) -> Any:
    loader = _loader(info)
    page = await loader.page(listing, request)
    return connection(lambda: page, listing.entity.name, lambda: loader.count(listing))


async def nested(root: Node, info: Info, field: str, listing: Listing, request: PageRequest) -> Any:
    prop = ENTITIES[type(root).__name__].prop(field)
    loader = _loader(info)
    if _only_total(info):
        count = await loader.related_count(prop, listing, root.node_iri)
        return connection(lambda: Page([], False, False), listing.entity.name, _constant(count))
    rows = await loader.related(prop, listing, root.node_iri)
    return connection(lambda: slice_rows(rows, request, listing.sort.descending), listing.entity.name,
                      _constant(len(rows)))


def _only_total(info: Info) -> bool:
    """The client asks this connection for its ``totalCount`` and nothing else."""
    selections = [s for field in info.selected_fields for s in field.selections]
    return bool(selections) and all(
        isinstance(s, SelectedField) and s.name in ("totalCount", "__typename") for s in selections
    )


def _constant(value: int) -> Callable[[], Awaitable[int]]:
    async def total() -> int:
        return value

    return total


PageResolver = Callable[[Any, Info, PageRequest, Any, Any], Awaitable[Any]]
_PAGE_ARGS = {"first": int | None, "after": str | None, "last": int | None, "before": str | None}


def connection_field(type_name: str, page: PageResolver, filter_type: type | None = None,
                     order_type: type | None = None, *, description: str | None = None) -> Any:
    """A connection field with ``first/after/last/before`` (and ``filter``/``orderBy``
    when given their input types); ``page(root, info, request, filter, order)`` answers it."""
    if filter_type is None or order_type is None:

        async def resolve(root: Any, info: Info, first: int | None = None, after: str | None = None,
                          last: int | None = None, before: str | None = None) -> Any:
            return await page(root, info, PageRequest.of(first, after, last, before), None, None)

        extra: dict[str, object] = {}
    else:

        async def resolve(root: Any, info: Info, first: int | None = None, after: str | None = None,
                          last: int | None = None, before: str | None = None, filter: Any = None,
                          order_by: Any = None) -> Any:
            return await page(root, info, PageRequest.of(first, after, last, before), filter, order_by)

        extra = {"filter": f"{filter_type.__name__} | None", "order_by": f"{order_type.__name__} | None"}
    resolve.__annotations__ = {"info": Info, **_PAGE_ARGS, **extra, "return": f"Connection[{type_name}]"}
    return strawberry.field(resolver=resolve, description=description)


def listed(listing: Callable[[Any, Any], Listing]) -> PageResolver:
    """A top-level list: ``listing(filter, order)`` paged with one keyset query."""

    async def page(root: Any, info: Info, request: PageRequest, filter: Any, order: Any) -> Any:
        return await top_level(info, listing(filter, order), request)

    return page


def relation(field: str, type_name: str, sort_field: str | None = None, *, numeric: bool = False) -> Any:
    """A nested connection along a relation field (keyset cursors, batched per level)."""
    listing = listings.by_field(type_name, sort_field, numeric=numeric)

    async def page(root: Node, info: Info, request: PageRequest, filter: Any, order: Any) -> Any:
        return await nested(root, info, field, listing, request)

    return connection_field(type_name, page)


# ---------------------------------------------------------------------------
# Object types


@strawberry.type(description="A Danish municipality (kommune).")
class Municipality(Node):
    code = value("code", "str | None", description="Three-digit kommunekode.")
    name = value("name", "str | None")
    region = link("region", "Region")
    wikidata = value("wikidata", "str | None", description="Wikidata entity IRI.")
    letters = relation("letters", "Letter", "date")
    mentioned_in = relation("mentionedIn", "Letter", "date")
    commitments = relation("commitments", "Commitment", "deadline")
    initiatives = relation("initiatives", "Initiative", "title")

    interventions = connection_field(
        "Intervention",
        lambda root, info, request, filter, order: nested(
            root, info, "interventions", listings.interventions(filter, order), request),
        InterventionFilter, InterventionOrder,
        description="The municipality's interventions in the catalogue.",
    )


@strawberry.type
class Region(Node):
    name = value("name", "str | None")
    municipalities = relation("municipalities", "Municipality", "code")


@strawberry.type(description="A text span of a source document a node was read from.")
class Source(Node):
    start = value("start", "int | None")
    end = value("end", "int | None")
    text = value("text", "str | None")
    line = value("line", "int | None")
    for_property = value("forProperty", "str | None", description="The property the span backs.")

    @strawberry.field(description="File name of the source document.")
    async def document(self, info: Info) -> str | None:
        return await document_name(self, info)


@strawberry.type(description="A source file; what was read from it is in its own named graph.")
class Document(Node):
    name = value("name", "str | None", description="The file name.")
    kind = enum("kind", DocumentKind, DOCUMENT_KINDS)
    status = enum("status", DocumentStatus, DOCUMENT_STATUSES)
    content_hash = value("contentHash", "str | None", description="SHA-256 of the file's bytes.")
    character_count = value("characterCount", "int | None")
    named_graph = value("namedGraph", "str | None")

    @strawberry.field(description="What is wrong with the document, by line.")
    async def problems(self, info: Info) -> list[Problem]:
        found = [str(p) for p in (await record_of(self, info)).all("problems")]
        records = await _loader(info).records("Problem", found)
        ranked = sorted(zip(found, records, strict=True),
                        key=lambda pr: (int(pr[1].one("line") or 0), str(pr[1].one("message")), pr[0]))
        return [make("Problem", iri) for iri, _ in ranked]


@strawberry.type(description="A problem with a source document: how bad, where and why.")
class Problem(Node):
    severity = enum("severity", Severity, SEVERITIES)
    stage = value("stage", "str | None", description="read, parse, corpus, map or validate.")
    message = value("message", "str | None")
    line = value("line", "int | None", description="The line of the source it is on.")
    focus = value("focus", "str | None", description="IRI of the node it is about.")
    path = value("path", "str | None", description="IRI of the property it is about.")
    document = link("document", "Document")


async def document_name(root: Node, info: Info) -> str | None:
    document = (await record_of(root, info)).one("document")
    if document is None:
        return None
    name = (await _loader(info).record("Document", str(document))).one("name")
    return None if name is None else str(name)


async def own_span(root: Node, info: Info) -> Source | None:
    """The node's own span (the one not backing a single property), else its first."""
    spans = [make("Source", str(s)) for s in (await record_of(root, info)).all("source")]
    records = await _loader(info).records("Source", [s.node_iri for s in spans])
    ranked = sorted(zip(spans, records, strict=True),
                    key=lambda sr: (sr[1].one("forProperty") is not None, sr[1].one("start") or 0))
    return ranked[0][0] if ranked else None


@strawberry.type(description="A job-centre intervention from the national catalogue.")
class Intervention(Node):
    title = value("title", "str | None")
    municipality = link("municipality", "Municipality")
    target_groups = link("targetGroups", "TargetGroup", many=True)
    description = value("description", "str | None")
    experiences = value("experiences", "str | None")
    organisation = value("organisation", "str | None")
    advice = value("advice", "str | None")
    management_recommendation = value("managementRecommendation", "str | None")
    tests = link("tests", "TestResult", many=True)

    async def _test(self, info: Info, kind: TestKind) -> TestResult | None:
        tests = [str(t) for t in (await record_of(self, info)).all("tests")]
        records = await _loader(info).records("TestResult", tests)
        for test, record in zip(tests, records, strict=True):
            if TEST_KINDS.get(str(record.one("kind"))) == kind.value:
                return make("TestResult", test)
        return None

    @strawberry.field
    async def evidence_test(self, info: Info) -> TestResult | None:
        return await self._test(info, TestKind.EVIDENCE)

    @strawberry.field
    async def good_practice_test(self, info: Info) -> TestResult | None:
        return await self._test(info, TestKind.GOOD_PRACTICE)

    @strawberry.field(description="Where the card's title was read.")
    async def source(self, info: Info) -> Source | None:
        return await own_span(self, info)

    @strawberry.field(description="File name of the source document.")
    async def document(self, info: Info) -> str | None:
        return await document_name(self, info)


@strawberry.type(description="An intervention's result on one test.")
class TestResult(Node):
    kind = enum("kind", TestKind, TEST_KINDS)
    score = value("score", "float | None", description="Published score 0-5.")
    computed_score = value("computedScore", "float | None", description="Mean of the answers.")
    score_reproduces = value("scoreReproduces", "bool | None")
    scope = value("scope", "str | None")
    answer_count = value("answerCount", "int | None")
    intervention = link("intervention", "Intervention")

    @strawberry.field(description="The answers, in card order.")
    async def assessments(self, info: Info) -> list[Assessment]:
        listing = listings.by_field("Assessment", "position", numeric=True)
        prop = ENTITIES["TestResult"].prop("assessments")
        rows = await _loader(info).related(prop, listing, self.node_iri)
        return [make("Assessment", iri) for _, iri in sorted(rows, key=lambda r: (float(r[0]), r[1]))]

    @strawberry.field
    async def source(self, info: Info) -> Source | None:
        return await own_span(self, info)


@strawberry.type(description="One answer to one criterion in a test.")
class Assessment(Node):
    answer = enum("answer", Answer, ANSWERS)
    threshold = value("threshold", "int | None", description="x out of 10 named in the wording.")
    text = value("text", "str | None")
    inferred = value("inferred", "bool | None")
    position = value("position", "int | None")
    criterion = link("criterion", "Criterion")
    test_result = link("testResult", "TestResult")

    @strawberry.field
    async def intervention(self, info: Info) -> Intervention | None:
        test = (await record_of(self, info)).one("testResult")
        if test is None:
            return None
        found = (await _loader(info).record("TestResult", str(test))).one("intervention")
        return None if found is None else make("Intervention", str(found))

    @strawberry.field
    async def source(self, info: Info) -> Source | None:
        return await own_span(self, info)


@strawberry.type(description="A test criterion shared by the cards that answer it.")
class Criterion(Node):
    statement = value("statement", "str | None")
    test_kind = enum("testKind", TestKind, TEST_KINDS)
    assessments = relation("assessments", "Assessment")


@strawberry.type(description="A target group (SKOS concept).")
class TargetGroup(Node):
    label = value("label", "str | None")
    kind = enum("kind", TargetGroupKind, TARGET_GROUP_KINDS)
    notation = value("notation", "str | None")
    scheme = value("scheme", "str | None")
    legal_provision = link("legalProvision", "LegalProvision")
    interventions = relation("interventions", "Intervention", "title")


@strawberry.interface(description="A node read from a span of a source document.")
class Sourced:
    """Fields of nodes read from a span of a source document."""

    @strawberry.field(description="Where the node was read.")
    async def source(self, info: Info) -> Source | None:
        return await own_span(self, info)  # type: ignore[arg-type]

    @strawberry.field(description="File name of the source document.")
    async def document(self, info: Info) -> str | None:
        return await document_name(self, info)  # type: ignore[arg-type]


@strawberry.type(description="A provision (§, stk., nr.) of an act.")
class LegalProvision(Node, Sourced):
    eli = value("eli", "str | None", description="ELI of the act the provision is part of.")
    citation = value("citation", "str | None")
    paragraph = value("paragraph", "str | None")
    subsection = value("subsection", "str | None")
    item = value("item", "str | None")
    label = value("label", "str | None")
    local_id = value("localId", "str | None", description="e.g. LOV nr. 548 af 07/05/2019 § 6.")


@strawberry.type(description="A sender, recipient or signatory of a letter, or an organisation it mentions.")
class Party(Node):
    name = value("name", "str | None")
    role = value("role", "str | None", description="A person's job title.")
    organisation = link("organisation", "Party", description="The organisation a person works for.")
    unit_of = link("unitOf", "Party", description="The organisation a unit is part of.")
    post_in = link("postIn", "Party", description="The organisation a post is in.")

    @strawberry.field(description="What the party is; a municipality is a party in its own right.")
    async def kind(self, info: Info) -> PartyKind | None:
        types = (await record_of(self, info)).types
        return next((PartyKind[name] for iri, name in PARTY_KINDS.items() if iri in types), None)

    @strawberry.field(description="The municipality the party is, or belongs to.")
    async def municipality(self, info: Info) -> Municipality | None:
        record = await record_of(self, info)
        if ENTITIES["Municipality"].rdf_class in record.types:
            return make("Municipality", self.node_iri)
        found = record.one("municipality")
        return None if found is None else make("Municipality", str(found))


@strawberry.type(description="An IT system a letter mentions.")
class Software(Node):
    name = value("name", "str | None")
    mentioned_in = relation("mentionedIn", "Letter", "date")


Mentionable = Annotated[Municipality | Party | Software, strawberry.union("Mentionable")]


@strawberry.type(description="A place in a letter's text naming a municipality, organisation or system.")
class Mention(Node, Sourced):
    surface_form = value("surfaceForm", "str | None", description="The words as written.")
    about = union_link("about", "Mentionable")
    letter = link("letter", "Letter")


@strawberry.type(description="An identifier of a letter (journal number, ...).")
class Identifier(Node, Sourced):
    scheme = value("scheme", "str | None")
    value = value("value", "str | None")


@strawberry.type(description="A letter of the ministerial correspondence.")
class Letter(Node, Sourced):
    date = value("date", "dt.date | None")
    date_received = value("dateReceived", "dt.date | None")
    referred_only = value("referredOnly", "bool | None", description="Only referred to, not included.")
    subject = value("subject", "str | None")
    sender = link("sender", "Party")
    recipients = link("recipients", "Party", many=True)
    signatories = link("signatories", "Party", many=True)
    identifiers = link("identifiers", "Identifier", many=True)
    in_reply_to = link("inReplyTo", "Letter", many=True)
    replies = relation("replies", "Letter", "date")
    mentions = union_link("mentions", "Mentionable", many=True)
    mentions_in_text = relation("mentionsInText", "Mention", "surfaceForm")
    municipality = link("municipality", "Municipality")
    commitments = relation("commitments", "Commitment", "deadline")
    initiatives = relation("initiatives", "Initiative", "position", numeric=True)
    legal_references = link("legalReferences", "LegalProvision", many=True)
    text = value("text", "str | None")


@strawberry.type(description="A municipality's commitment stated in a letter.")
class Commitment(Node, Sourced):
    text = value("text", "str | None")
    deadline = value("deadline", "dt.date | None", description="The (first) day of the deadline.")
    deadline_end = value("deadlineEnd", "dt.date | None")
    deadline_kind = value("deadlineKind", "str | None", description="date or period")
    deadline_text = value("deadlineText", "str | None")
    municipality = link("municipality", "Municipality")
    letter = link("letter", "Letter")
    acknowledged_in = link("acknowledgedIn", "Letter")


@strawberry.type(description="An initiative a municipality describes in a letter.")
class Initiative(Node, Sourced):
    title = value("title", "str | None")
    description = value("description", "str | None")
    municipality = link("municipality", "Municipality")
    letter = link("letter", "Letter")
    week_deadline = value("weekDeadline", "int | None")
    position = value("position", "int | None", description="Its place in the letter's order, from 1.")


TYPES.update(
    (cls.__name__, cls)
    for cls in (Municipality, Region, Source, Document, Problem, Intervention, TestResult, Assessment,
                Criterion, TargetGroup, LegalProvision, Party, Software, Mention, Identifier, Letter,
                Commitment, Initiative)
)


# ---------------------------------------------------------------------------
# Query


async def _one(info: Info, type_name: str, iri: str) -> Any:
    return make(type_name, iri) if await _loader(info).exists(type_name, iri) else None


@strawberry.type
class Query:
    municipalities = connection_field("Municipality", listed(listings.municipalities), MunicipalityFilter,
                                      MunicipalityOrder)

    @strawberry.field(description="A municipality by kommunekode or by name.")
    async def municipality(
        self, info: Info, code: str | None = None, name: str | None = None
    ) -> Municipality | None:
        field, wanted = ("code", code.zfill(3)) if code else ("name", name)
        if wanted is None:
            return None
        found = await _loader(info).lookup("Municipality", field, wanted)
        return None if found is None else make("Municipality", found)

    interventions = connection_field("Intervention", listed(listings.interventions), InterventionFilter,
                                     InterventionOrder)

    @strawberry.field(description="An intervention by global ID or IRI.")
    async def intervention(self, info: Info, id: strawberry.ID) -> Intervention | None:
        return await _one(info, "Intervention", node_iri(id, "Intervention"))

    criteria = connection_field("Criterion", listed(listings.criteria), CriterionFilter, CriterionOrder)

    @strawberry.field
    async def criterion(self, info: Info, id: strawberry.ID) -> Criterion | None:
        return await _one(info, "Criterion", node_iri(id, "Criterion"))

    letters = connection_field("Letter", listed(listings.letters), LetterFilter, LetterOrder)

    @strawberry.field
    async def letter(self, info: Info, id: strawberry.ID) -> Letter | None:
        return await _one(info, "Letter", node_iri(id, "Letter"))

    target_groups = connection_field(
        "TargetGroup", listed(lambda filter, order: listings.by_field("TargetGroup", "label")))

    legal_provisions = connection_field(
        "LegalProvision", listed(lambda filter, order: listings.by_field("LegalProvision", "citation")))

    documents = connection_field(
        "Document", listed(documents_listing), DocumentFilter, DocumentOrder,
        description="Every source document with its kind, status and problems (left out ones too).")

    @strawberry.field(description="Any object by its global ID.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        type_name, iri = decode_id(id)
        return await _one(info, type_name, iri) if type_name in TYPES else None

    @strawberry.field(description="Interventions, criteria, municipalities and letters containing a text.")
    async def search(
        self, info: Info, text: str, first: int | None = None, after: str | None = None,
    ) -> Connection[Node]:
        request = PageRequest.of(first, after, None, None)
        loader = _loader(info)
        after_iri = request.cursor[1] if request.cursor else None
        rows = await loader.select(search_query(text, request.size + 1, after_iri))
        page = finish_page([(str(r["type"]), str(r["s"])) for r in rows], request)
        return connection(lambda: page, None, lambda: loader.number(search_count_query(text)))


schema = GuardedSchema(query=Query, types=list(TYPES.values()))
