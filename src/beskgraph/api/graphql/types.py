"""The object types and interfaces of the schema, each field declared once with its RDF path.

One module, because the types refer to each other (strawberry resolves the annotations
here). Scalars are plain attributes; fields returning objects are prefetched by the
planner (see ``fields.py``). Nullability follows the shapes (``sh:minCount 1`` ->
non-null), descriptions the ontology: tests/api/graphql/test_graphql_contract.py checks both.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from rdflib.namespace import DCTERMS, PROV, RDFS, SKOS

from beskgraph.api.graphql.connections import Connection
from beskgraph.api.graphql.fields import Path, argument, class_value, link, relation, value
from beskgraph.api.graphql.inputs import (
    Answer,
    AssessmentOrderField,
    DocumentKind,
    DocumentStatus,
    InitiativeOrderField,
    PartyKind,
    Severity,
    TargetGroupKind,
    TestKind,
)
from beskgraph.api.graphql.records import Record
from beskgraph.api.graphql.registry import TypeInfo, node_type
from beskgraph.vocabulary import BG, ELI, OA, ORG, SCHEMA

# ---------------------------------------------------------------------------
# Spans and where things were read

_START = Path((str(OA.start),))
_FOR_PROPERTY = str(BG.forProperty)


def _own_span_first(span: Record) -> tuple[bool, Any]:
    """A node's own span (not one backing a single field) first, then by offset."""
    return span.first(Path((_FOR_PROPERTY,))) is not None, span.first(_START) or 0


def _backs(arguments: Any, span: Record, parent: TypeInfo) -> bool:
    """The span backs the field (or property IRI) named by ``forProperty``, if one is named."""
    wanted = arguments.get("for_property")
    if not wanted:
        return True
    field = parent.fields.get(wanted)
    spec_path = getattr(field.spec, "path", None) if field else None
    prop = spec_path.predicates[0] if spec_path else wanted
    return span.has(_FOR_PROPERTY, prop)


def own_source(description: str = "Where the node itself was read (not a span backing one field).") -> Any:
    return link(BG.sourceSpan, sort=_own_span_first, description=description)


def all_sources() -> Any:
    return link(
        BG.sourceSpan,
        sort=lambda span: span.first(_START) or 0,
        matches=_backs,
        arguments=(
            argument(
                "for_property",
                str | None,
                "Only the spans backing this field: its name in "
                "this type (`description`) or its property's IRI.",
            ),
        ),
        description="Every span the node was read from, by offset; `forProperty` keeps those backing "
        "one field.",
    )


def read_from() -> Any:
    return link(PROV.wasDerivedFrom, description="The source document the node was read from.")


# ---------------------------------------------------------------------------
# Interfaces


@strawberry.interface(
    description="A node of the graph. Its `id` is one per RDF node: the same wherever the node "
    "appears, so a normalised client cache holds it once; `node(id:)` finds it."
)
class Node:
    id: strawberry.ID = strawberry.field(description="Global ID: base64url of `Type:IRI`.")
    iri: str = strawberry.field(description="The IRI of the RDF node.")


@strawberry.interface(description="A node read from spans of a source document.")
class Sourced(Node):
    source: Source | None = strawberry.field(
        description="Where the node itself was read (not a span backing one field)."
    )
    sources: list[Source] = all_sources()


@strawberry.interface(
    description="Something a letter can mention by name: a municipality, an organisation, a "
    "post, a person or an IT system."
)
class Mentionable(Node):
    name: str = strawberry.field(description="Its name.")
    mentioned_in: Connection[Letter] = relation(
        SCHEMA.mentions, inverse=True, description="The letters that mention it."
    )


@strawberry.interface(
    description="A sender, recipient or signatory of letters: a municipality, an organisation "
    "or unit, a post or a person. Each has its own type; `partyKind` names it."
)
class Party(Mentionable):
    party_kind: PartyKind = class_value("What the party is (from its RDF class).")
    municipality: Municipality | None = strawberry.field(
        description="The municipality the party is (a municipality itself) or belongs to."
    )
    letters_sent: Connection[Letter] = relation(
        SCHEMA.sender, inverse=True, description="The letters it sent."
    )
    letters_received: Connection[Letter] = relation(
        SCHEMA.recipient, inverse=True, description="The letters addressed to it."
    )
    letters_signed: Connection[Letter] = relation(
        BG.signatory, inverse=True, description="The letters it signed."
    )


# ---------------------------------------------------------------------------
# Municipalities and the catalogue


@node_type(BG.Municipality)
class Municipality(Party):
    code: str = value(BG.kommunekode)
    name: str = value(RDFS.label, description="The municipality's name, e.g. Middelfart.")
    region: Region = link(BG.region)
    wikidata: str | None = value(SCHEMA.sameAs, description="Its Wikidata entity IRI.")
    municipality: Municipality | None = link(None, description="The municipality itself.")
    interventions: Connection[Intervention] = relation(
        BG.municipality, inverse=True, description="Its interventions in the catalogue."
    )
    letters: Connection[Letter] = relation(
        BG.municipality,
        inverse=True,
        description="The letters about it (the same as `letters(filter: {municipality: code})`).",
    )
    commitments: Connection[Commitment] = relation(
        BG.committedBy, inverse=True, description="The commitments it gave."
    )
    initiatives: Connection[Initiative] = relation(
        BG.municipality, inverse=True, description="The initiatives its letters describe."
    )


@node_type(BG.Region)
class Region(Node):
    name: str = value(RDFS.label, description="The region's name, e.g. Region Syddanmark.")
    municipalities: Connection[Municipality] = relation(
        BG.region, inverse=True, description="The municipalities in the region."
    )


@node_type(BG.Intervention)
class Intervention(Sourced):
    title: str = value(DCTERMS.title, description="The card's title.")
    municipality: Municipality = link(BG.municipality, description="The municipality that runs it.")
    target_groups: list[TargetGroup] = link(BG.targetGroup, description="The target groups it addresses.")
    description: str | None = value(
        DCTERMS.description, description="The card's description of the intervention."
    )
    experiences: str | None = value(BG.experiences)
    organisation_requirements: str | None = value(BG.organisationRequirements)
    advice: str | None = value(BG.advice)
    management_recommendation: str | None = value(BG.managementRecommendation)
    tests: list[TestResult] = link(BG.testResult, description="Its results on the tests (one per test).")
    evidence_test: TestResult | None = link(
        BG.testResult, where={BG.testKind: BG.EvidenceTest}, description="Its result on the Evidenstest."
    )
    good_practice_test: TestResult | None = link(
        BG.testResult,
        where={BG.testKind: BG.GoodPracticeTest},
        description="Its result on the God praksis test.",
    )
    source: Source | None = own_source("Where the card's title was read.")
    document: Document = read_from()


@node_type(BG.TestResult)
class TestResult(Sourced):
    test_kind: TestKind = value(BG.testKind, description="The test.")
    score: float = value(BG.publishedScore)
    computed_score: float | None = value(BG.computedScore)
    score_reproduces: bool | None = value(BG.scoreReproduces)
    scope: str | None = value(BG.scope)
    answer_count: int | None = value(BG.answerCount)
    assessments: Connection[Assessment] = relation(
        BG.assessment, order=AssessmentOrderField.POSITION, description="Its answers, in card order."
    )
    intervention: Intervention = link(BG.testResult, inverse=True, description="The intervention tested.")
    source: Source | None = own_source()


@node_type(BG.Assessment)
class Assessment(Sourced):
    answer: Answer = value(BG.answer)
    threshold: int | None = value(BG.threshold)
    text: str = value(BG.text, description="The answer's wording as written on the card.")
    inferred: bool = value(BG.inferred)
    position: int | None = value(BG.position, description="Its place in the test, from 1.")
    criterion: Criterion = link(BG.criterion)
    test_result: TestResult | None = link(
        BG.assessment, inverse=True, description="The test it is an answer of."
    )
    intervention: Intervention | None = link(
        BG.assessment, inverse=True, then=BG.testResult, description="The intervention whose test it answers."
    )
    source: Source = own_source()


@node_type(BG.Criterion)
class Criterion(Node):
    statement: str = value(BG.statement)
    test_kind: TestKind = value(BG.testKind, description="The test it belongs to.")
    assessments: Connection[Assessment] = relation(
        BG.criterion, inverse=True, description="Every card's answer to it."
    )


@node_type(BG.TargetGroup)
class TargetGroup(Node):
    label: str = value(SKOS.prefLabel, description="The target group's name.")
    target_group_kind: TargetGroupKind = value(BG.targetGroupKind)
    notation: str | None = value(
        SKOS.notation, description="Its notation, e.g. §6.1 for a legal target group."
    )
    scheme: str = value(SKOS.inScheme, description="IRI of the concept scheme it is in.")
    legal_provision: LegalProvision | None = link(BG.legalProvision)
    interventions: Connection[Intervention] = relation(
        BG.targetGroup, inverse=True, description="The interventions addressing it."
    )


@node_type(ELI.LegalResourceSubdivision, description="A provision (§, stk., nr.) of an act.")
class LegalProvision(Sourced):
    eli: str = value(ELI.is_part_of, description="ELI of the act the provision is part of.")
    citation: str = value(BG.citation)
    paragraph: str = value(BG.paragraph)
    subsection: str | None = value(BG.subsection)
    item: str | None = value(BG.item)
    label: str | None = value(RDFS.label, description="The provision's name.")
    local_id: str | None = value(
        ELI.id_local, description="The act's local identifier, e.g. LOV nr. 548 af 07/05/2019 § 6."
    )
    target_groups: list[TargetGroup] = link(
        BG.legalProvision, inverse=True, description="The target groups it defines."
    )
    cited_by: Connection[Node] = relation(
        DCTERMS.references, inverse=True, description="The letters and texts that cite it."
    )
    source: Source | None = own_source()
    document: Document | None = read_from()


# ---------------------------------------------------------------------------
# Source documents


@node_type(
    OA.TextPositionSelector,
    description="A span of a source document's text that a node or a field was "
    "read from (RFC 5147 `#char=start,end`).",
)
class Source(Node):
    start: int = value(OA.start, description="Offset of its first character.")
    end: int = value(OA.end, description="Offset after its last character.")
    text: str | None = value(OA.exact, description="The text of the span.")
    line: int = value(BG.line)
    for_property: str | None = value(
        BG.forProperty,
        description="IRI of the property whose value the span is the source of (none: the node's own span).",
    )
    document: Document = link(DCTERMS.isPartOf, description="The document it is part of.")


_AT_LINE = Path((str(BG.atLine),))  # a problem's line and message: a document's problems' order
_MESSAGE = Path((str(BG.message),))


@node_type(BG.SourceDocument)
class Document(Node):
    name: str = value(DCTERMS.identifier, description="The file name.")
    document_kind: DocumentKind | None = value(
        BG.documentKind, description="Its kind (none when it was left out unread)."
    )
    status: DocumentStatus | None = value(BG.documentStatus)
    content_hash: str | None = value(BG.contentHash)
    character_count: int | None = value(BG.characterCount)
    named_graph: str = value(BG.namedGraph, description="IRI of the named graph holding what was read.")
    problems: list[Problem] = link(
        BG.problem,
        sort=lambda p: (p.first(_AT_LINE) or 0, str(p.first(_MESSAGE))),
        description="What is wrong with it, by line.",
    )
    read_from: Connection[Node] = relation(
        PROV.wasDerivedFrom,
        inverse=True,
        description="Every node read from it (interventions, letters, commitments, ...).",
    )


@node_type(BG.Problem)
class Problem(Node):
    severity: Severity = value(BG.severity, description="How bad it is.")
    stage: str = value(BG.stage)
    message: str = value(BG.message)
    line: int | None = value(BG.atLine)
    focus: str | None = value(BG.focusNode, description="IRI of the node it is about.")
    path: str | None = value(BG.resultPath, description="IRI of the property it is about.")
    document: Document = link(BG.problem, inverse=True, description="The document it is a problem of.")


# ---------------------------------------------------------------------------
# Correspondence


@node_type(BG.Letter)
class Letter(Sourced):
    date: dt.date | None = value(SCHEMA.dateSent, description="The day it was sent.")
    date_received: dt.date | None = value(BG.dateReceived)
    referred_only: bool = value(BG.referredOnly)
    subject: str | None = value(SCHEMA.headline, description="Its subject line.")
    sender: Party | None = link(SCHEMA.sender, description="Who sent it.")
    recipients: list[Party] = link(
        SCHEMA.recipient, order=BG.recipientItem, description="Whom it is addressed to, in the order written."
    )
    signatories: list[Person] = link(
        BG.signatory, order=BG.signatoryItem, description="Who signed it, in the order written."
    )
    identifiers: list[Identifier] = link(SCHEMA.identifier, description="Its case and journal numbers.")
    in_reply_to: list[Letter] = link(BG.inReplyTo)
    replies: Connection[Letter] = relation(
        BG.inReplyTo, inverse=True, description="The letters answering it."
    )
    mentions: list[Mentionable] = link(SCHEMA.mentions, description="What it mentions by name.")
    mentions_in_text: Connection[Mention] = relation(
        OA.hasTarget, inverse=True, description="Each place in its text naming something."
    )
    municipality: Municipality | None = link(BG.municipality, description="The municipality it is about.")
    commitments: Connection[Commitment] = relation(
        BG.statedIn, inverse=True, description="The commitments stated in it."
    )
    initiatives: Connection[Initiative] = relation(
        BG.describedIn,
        inverse=True,
        order=InitiativeOrderField.POSITION,
        description="The initiatives it describes, in its order.",
    )
    legal_references: list[LegalProvision] = link(DCTERMS.references, description="The provisions it cites.")
    text: str | None = value(SCHEMA.text, description="Its text as written.")
    source: Source = own_source()
    document: Document = read_from()


@node_type(BG.Identifier)
class Identifier(Sourced):
    scheme: str = value(
        SCHEMA.propertyID, description="Which number it is: jnr, sag, sagsnr, sagsid, dokumentnummer or ref."
    )
    value: str = value(SCHEMA.value, description="The number as written.")
    source: Source = own_source()
    document: Document = read_from()


_NAME_PATHS = (SCHEMA.name, SKOS.prefLabel, RDFS.label)


@node_type(
    ORG.OrganizationalUnit,
    ORG.Organization,
    description="An organisation or a unit of one (a ministry, a committee, a job centre).",
)
class Organisation(Party, Sourced):
    name: str = value(*_NAME_PATHS, description="Its name.")
    unit_of: Party | None = link(ORG.unitOf, description="The organisation a unit is part of.")
    municipality: Municipality | None = link(BG.municipality, description="The municipality it belongs to.")
    source: Source | None = own_source()
    document: Document = read_from()


@node_type(ORG.Post, description="A post in an organisation (borgmester, jobcenterchef), whoever holds it.")
class Post(Party):
    name: str = value(SKOS.prefLabel, description="The post and its organisation, as written.")
    post_in: Party | None = link(ORG.postIn, description="The organisation the post is in.")
    held_by: Person | None = link(ORG.heldBy, description="The person holding it.")
    role: str = value(ORG.role, description="IRI of its role, a concept of the roles scheme.")
    municipality: Municipality | None = link(ORG.postIn, description="The municipality the post is in.")


@node_type(SCHEMA.Person, description="A person named in a letter.")
class Person(Party, Sourced):
    name: str = value(SCHEMA.name, description="The person's name.")
    role: str | None = value(SCHEMA.jobTitle, description="The person's job title, as written.")
    organisation: Party | None = link(SCHEMA.worksFor, description="The organisation the person works for.")
    posts: list[Post] = link(ORG.holds, description="The posts the person holds.")
    municipality: Municipality | None = link(
        BG.municipality, description="The municipality the person works for."
    )
    source: Source | None = own_source()
    document: Document | None = read_from()


@node_type(SCHEMA.SoftwareApplication, description="An IT system a letter mentions.")
class Software(Mentionable):
    name: str = value(SCHEMA.name, description="The system's name.")


@node_type(BG.Mention)
class Mention(Sourced):
    surface_form: str | None = value(BG.surfaceForm)
    about: Mentionable | None = link(OA.hasBody, description="What it names.")
    letter: Letter | None = link(OA.hasTarget, description="The letter it is in.")
    publication: Publication | None = link(OA.hasTarget, description="The text it is in (not a letter).")
    source: Source = own_source()
    document: Document = read_from()


@node_type(BG.Commitment)
class Commitment(Sourced):
    text: str = value(SCHEMA.text, description="The sentence it is stated in.")
    deadline: dt.date = value(BG.deadlineStart, description="The (first) day of the deadline.")
    deadline_end: dt.date | None = value(BG.deadlineEnd)
    deadline_kind: str = value(BG.deadlineKind)
    deadline_text: str | None = value(BG.deadlineText)
    municipality: Municipality = link(BG.committedBy)
    letter: Letter = link(BG.statedIn, description="The letter it is stated in.")
    acknowledged_in: Letter | None = link(BG.acknowledgedIn)
    source: Source = own_source()
    document: Document = read_from()


@node_type(BG.Initiative)
class Initiative(Sourced):
    title: str = value(DCTERMS.title, description="The initiative's title.")
    description: str | None = value(SCHEMA.description, description="What the letter says of it.")
    municipality: Municipality | None = link(BG.municipality, description="The municipality it is of.")
    letter: Letter = link(BG.describedIn)
    week_deadline: int | None = value(BG.weekDeadline)
    position: int | None = value(BG.position, description="Its place in the letter's list, from 1.")
    source: Source = own_source()
    document: Document = read_from()


@node_type(BG.Publication)
class Publication(Sourced):
    title: str | None = value(DCTERMS.title, description="Its title.")
    date_published: dt.date | None = value(SCHEMA.datePublished, description="The day it was published.")
    date_modified: dt.date | None = value(SCHEMA.dateModified, description="The day it was last updated.")
    mentions: list[Mentionable] = link(SCHEMA.mentions, description="What it mentions by name.")
    legal_references: list[LegalProvision] = link(DCTERMS.references, description="The provisions it cites.")
    referenced_letters: list[Letter] = link(DCTERMS.references, description="The letters it refers to.")
    source: Source = own_source()
    document: Document = read_from()
