"""The one table between GraphQL and RDF: each exposed type's class and field predicates.

Resolvers, SPARQL builders and the drift test (tests/test_graphql.py compares this table
with ``shapes/*.ttl`` and ``ontology/*.ttl``) all read it; adapting the API to a changed
vocabulary means editing this module only. Correspondence terms (Letter, Party,
Commitment, Initiative) follow schema.org's Message vocabulary where it has a term.
"""

from __future__ import annotations

from dataclasses import dataclass

BG = "https://w3id.org/beskgraph/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
OA = "http://www.w3.org/ns/oa#"
ELI = "http://data.europa.eu/eli/ontology#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"

RDF_TYPE = RDF + "type"
LIST_ITEM = SCHEMA + "item"  # a schema:ListItem's values, at its bg:position
POSITION = BG + "position"


@dataclass(frozen=True)
class Prop:
    """One GraphQL field backed by one predicate (``inverse``: the node is the object)."""

    field: str
    predicate: str
    node: str | None = None  # GraphQL type of IRI values; None for literals
    many: bool = False
    inverse: bool = False
    relation: bool = False  # a (possibly large) list loaded page-wise, not with the record
    fallbacks: tuple[str, ...] = ()  # predicates read, in order, when ``predicate`` has no value
    order: str | None = None  # the link to ``schema:ListItem``s giving the values' order as written

    @property
    def sparql_path(self) -> str:
        """The property path (fallbacks as alternatives: filters look in each)."""
        path = "|".join(f"<{p}>" for p in (self.predicate, *self.fallbacks))
        if self.fallbacks:
            path = f"({path})"
        return f"^{path}" if self.inverse else path


@dataclass(frozen=True)
class EntityMap:
    """A GraphQL object type over the nodes of one RDF class."""

    name: str
    rdf_class: str
    props: tuple[Prop, ...]
    other_classes: tuple[str, ...] = ()  # further classes whose nodes are of this type

    @property
    def classes(self) -> tuple[str, ...]:
        return (self.rdf_class, *self.other_classes)

    def prop(self, field: str) -> Prop:
        for prop in self.props:
            if prop.field == field:
                return prop
        raise KeyError(f"{self.name}.{field} has no predicate")

    @property
    def record_props(self) -> tuple[Prop, ...]:
        """Fields loaded in one batched query per type (everything but relations)."""
        return tuple(p for p in self.props if not p.relation)


def _entity(name: str, rdf_class: str, *props: Prop, other_classes: tuple[str, ...] = ()) -> EntityMap:
    return EntityMap(name, rdf_class, props, other_classes)


# A party's classes, most specific first -> its PartyKind (the Party type covers them all).
PARTY_KINDS = {
    BG + "Municipality": "MUNICIPALITY",
    ORG + "OrganizationalUnit": "UNIT",
    ORG + "Post": "POST",
    SCHEMA + "Person": "PERSON",
    ORG + "Organization": "ORGANISATION",
}

ENTITIES: dict[str, EntityMap] = {
    e.name: e
    for e in (
        _entity(
            "Municipality",
            BG + "Municipality",
            Prop("code", BG + "kommunekode"),
            Prop("name", RDFS + "label"),
            Prop("region", BG + "region", node="Region"),
            Prop("wikidata", SCHEMA + "sameAs", node="IRI"),
            Prop("interventions", BG + "municipality", "Intervention", True, True, True),
            Prop("letters", BG + "municipality", "Letter", True, True, True),
            Prop("mentionedIn", SCHEMA + "mentions", "Letter", True, True, True),
            Prop("commitments", BG + "committedBy", "Commitment", True, True, True),
            Prop("initiatives", BG + "municipality", "Initiative", True, True, True),
        ),
        _entity(
            "Region",
            BG + "Region",
            Prop("name", RDFS + "label"),
            Prop("municipalities", BG + "region", "Municipality", True, True, True),
        ),
        _entity(
            "Intervention",
            BG + "Intervention",
            Prop("title", DCT + "title"),
            Prop("municipality", BG + "municipality", node="Municipality"),
            Prop("targetGroups", BG + "targetGroup", node="TargetGroup", many=True),
            Prop("description", DCT + "description"),
            Prop("experiences", BG + "experiences"),
            Prop("organisation", BG + "organisationRequirements"),
            Prop("advice", BG + "advice"),
            Prop("managementRecommendation", BG + "managementRecommendation"),
            Prop("tests", BG + "testResult", node="TestResult", many=True),
            Prop("source", BG + "sourceSpan", node="Source", many=True),
            Prop("document", PROV + "wasDerivedFrom", node="Document"),
        ),
        _entity(
            "TestResult",
            BG + "TestResult",
            Prop("kind", BG + "testKind", node="TestKind"),
            Prop("score", BG + "publishedScore"),
            Prop("computedScore", BG + "computedScore"),
            Prop("scoreReproduces", BG + "scoreReproduces"),
            Prop("scope", BG + "scope"),
            Prop("answerCount", BG + "answerCount"),
            Prop("assessments", BG + "assessment", "Assessment", True, False, True),
            Prop("intervention", BG + "testResult", node="Intervention", inverse=True),
            Prop("source", BG + "sourceSpan", node="Source", many=True),
        ),
        _entity(
            "Assessment",
            BG + "Assessment",
            Prop("answer", BG + "answer", node="Answer"),
            Prop("threshold", BG + "threshold"),
            Prop("text", BG + "text"),
            Prop("inferred", BG + "inferred"),
            Prop("position", BG + "position"),
            Prop("criterion", BG + "criterion", node="Criterion"),
            Prop("testResult", BG + "assessment", node="TestResult", inverse=True),
            Prop("source", BG + "sourceSpan", node="Source", many=True),
        ),
        _entity(
            "Criterion",
            BG + "Criterion",
            Prop("statement", BG + "statement"),
            Prop("testKind", BG + "testKind", node="TestKind"),
            Prop("assessments", BG + "criterion", "Assessment", True, True, True),
        ),
        _entity(
            "TargetGroup",
            BG + "TargetGroup",
            Prop("label", SKOS + "prefLabel"),
            Prop("kind", BG + "targetGroupKind", node="TargetGroupKind"),
            Prop("notation", SKOS + "notation"),
            Prop("scheme", SKOS + "inScheme", node="IRI"),
            Prop("legalProvision", BG + "legalProvision", node="LegalProvision"),
            Prop("interventions", BG + "targetGroup", "Intervention", True, True, True),
        ),
        _entity(
            "LegalProvision",
            ELI + "LegalResourceSubdivision",
            Prop("eli", ELI + "is_part_of", node="IRI"),
            Prop("citation", BG + "citation"),
            Prop("paragraph", BG + "paragraph"),
            Prop("subsection", BG + "subsection"),
            Prop("item", BG + "item"),
            Prop("label", RDFS + "label"),
            Prop("localId", ELI + "id_local"),
            Prop("source", BG + "sourceSpan", node="Source", many=True),
            Prop("document", PROV + "wasDerivedFrom", node="Document"),
        ),
        _entity(
            "Source",
            OA + "TextPositionSelector",
            Prop("document", DCT + "isPartOf", node="Document"),
            Prop("start", OA + "start"),
            Prop("end", OA + "end"),
            Prop("text", OA + "exact"),
            Prop("line", BG + "line"),
            Prop("forProperty", BG + "forProperty", node="IRI"),
        ),
        _entity(
            "Document",
            BG + "SourceDocument",
            Prop("name", DCT + "identifier"),
            Prop("kind", BG + "documentKind", node="DocumentKind"),
            Prop("characterCount", BG + "characterCount"),
            Prop("namedGraph", BG + "namedGraph", node="IRI"),
            Prop("status", BG + "documentStatus", node="DocumentStatus"),
            Prop("contentHash", BG + "contentHash"),
            Prop("problems", BG + "problem", node="Problem", many=True),
        ),
        _entity(
            "Problem",
            BG + "Problem",
            Prop("severity", BG + "severity", node="Severity"),
            Prop("stage", BG + "stage"),
            Prop("message", BG + "message"),
            Prop("line", BG + "atLine"),
            Prop("focus", BG + "focusNode", node="IRI"),
            Prop("path", BG + "resultPath", node="IRI"),
            Prop("document", BG + "problem", node="Document", inverse=True),
        ),
        # Correspondence (ontology/correspondence.ttl).
        _entity(
            "Letter", BG + "Letter",
            Prop("date", SCHEMA + "dateSent"),
            Prop("dateReceived", BG + "dateReceived"),
            Prop("subject", SCHEMA + "headline"),
            Prop("sender", SCHEMA + "sender", node="Party"),
            Prop("recipients", SCHEMA + "recipient", node="Party", many=True, order=BG + "recipientItem"),
            Prop("signatories", BG + "signatory", node="Party", many=True, order=BG + "signatoryItem"),
            Prop("identifiers", SCHEMA + "identifier", node="Identifier", many=True),
            Prop("inReplyTo", BG + "inReplyTo", node="Letter", many=True),
            Prop("replies", BG + "inReplyTo", "Letter", True, True, True),
            Prop("mentions", SCHEMA + "mentions", node="Mentionable", many=True),
            Prop("mentionsInText", OA + "hasTarget", "Mention", True, True, True),
            Prop("municipality", BG + "municipality", node="Municipality"),
            Prop("commitments", BG + "statedIn", "Commitment", True, True, True),
            Prop("initiatives", BG + "describedIn", "Initiative", True, True, True),
            Prop("legalReferences", DCT + "references", node="LegalProvision", many=True),
            Prop("referredOnly", BG + "referredOnly"),
            Prop("text", SCHEMA + "text"),
            Prop("source", BG + "sourceSpan", node="Source", many=True),
            Prop("document", PROV + "wasDerivedFrom", node="Document"),
        ),
        _entity(
            "Identifier", BG + "Identifier",
            Prop("scheme", SCHEMA + "propertyID"),
            Prop("value", SCHEMA + "value"),
            Prop("source", BG + "sourceSpan", node="Source", many=True),
            Prop("document", PROV + "wasDerivedFrom", node="Document"),
        ),
        _entity(
            "Party", SCHEMA + "Person",
            # Municipalities are named by rdfs:label, ORG organisations and posts by skos:prefLabel.
            Prop("name", SCHEMA + "name", fallbacks=(RDFS + "label", SKOS + "prefLabel")),
            Prop("role", SCHEMA + "jobTitle"),
            Prop("organisation", SCHEMA + "worksFor", node="Party"),
            Prop("unitOf", ORG + "unitOf", node="Party"),
            Prop("postIn", ORG + "postIn", node="Party"),
            Prop("municipality", BG + "municipality", node="Municipality"),
            other_classes=tuple(c for c in PARTY_KINDS if c != SCHEMA + "Person"),
        ),
        _entity(
            "Software", SCHEMA + "SoftwareApplication",
            Prop("name", SCHEMA + "name"),
            Prop("mentionedIn", SCHEMA + "mentions", "Letter", True, True, True),
        ),
        _entity(
            "Mention", BG + "Mention",
            Prop("surfaceForm", BG + "surfaceForm"),
            Prop("about", OA + "hasBody", node="Mentionable"),
            Prop("letter", OA + "hasTarget", node="Letter"),
            Prop("source", BG + "sourceSpan", node="Source", many=True),
            Prop("document", PROV + "wasDerivedFrom", node="Document"),
        ),
        _entity(
            "Commitment", BG + "Commitment",
            Prop("text", SCHEMA + "text"),
            Prop("deadline", BG + "deadlineStart"),
            Prop("deadlineEnd", BG + "deadlineEnd"),
            Prop("deadlineKind", BG + "deadlineKind"),
            Prop("deadlineText", BG + "deadlineText"),
            Prop("municipality", BG + "committedBy", node="Municipality"),
            Prop("letter", BG + "statedIn", node="Letter"),
            Prop("acknowledgedIn", BG + "acknowledgedIn", node="Letter"),
            Prop("source", BG + "sourceSpan", node="Source", many=True),
            Prop("document", PROV + "wasDerivedFrom", node="Document"),
        ),
        _entity(
            "Initiative", BG + "Initiative",
            Prop("title", DCT + "title"),
            Prop("description", SCHEMA + "description"),
            Prop("municipality", BG + "municipality", node="Municipality"),
            Prop("letter", BG + "describedIn", node="Letter"),
            Prop("weekDeadline", BG + "weekDeadline"),
            Prop("position", BG + "position"),
            Prop("source", BG + "sourceSpan", node="Source", many=True),
            Prop("document", PROV + "wasDerivedFrom", node="Document"),
        ),
    )
}

# Union types: a node is the first member whose classes it has.
UNIONS: dict[str, tuple[str, ...]] = {"Mentionable": ("Municipality", "Software", "Party")}


def union_member(union: str, types: set[str]) -> str | None:
    """The GraphQL type of a node of the union with these rdf:types."""
    for name in UNIONS[union]:
        if types.intersection(ENTITIES[name].classes):
            return name
    return None


# Controlled values: node IRI -> GraphQL enum value name.
TEST_KINDS = {BG + "EvidenceTest": "EVIDENCE", BG + "GoodPracticeTest": "GOOD_PRACTICE"}
ANSWERS = {BG + "Yes": "YES", BG + "Partial": "PARTIAL", BG + "No": "NO"}
TARGET_GROUP_KINDS = {
    BG + "BroadGroup": "BROAD",
    BG + "LegalTargetGroup": "LEGAL",
    BG + "Segment": "SEGMENT",
    BG + "CatchAll": "CATCH_ALL",
}
TEST_KIND_IRIS = {name: iri for iri, name in TEST_KINDS.items()}
DOCUMENT_KINDS = {
    BG + "CatalogueCard": "CATALOGUE_CARD",
    BG + "Correspondence": "CORRESPONDENCE",
    BG + "ParliamentaryAnswer": "PARLIAMENTARY_ANSWER",
    BG + "PressRelease": "PRESS_RELEASE",
    BG + "WebPage": "WEB_PAGE",
    BG + "CommitteeLetter": "COMMITTEE_LETTER",
    BG + "Other": "OTHER",
}
DOCUMENT_STATUSES = {BG + "Valid": "OK", BG + "ValidWithWarnings": "WARNINGS", BG + "LeftOut": "LEFT_OUT"}
SEVERITIES = {SH + "Violation": "VIOLATION", SH + "Warning": "WARNING"}

# Text fields ``search`` and the ``text`` filters look in, per type.
SEARCH_FIELDS: dict[str, tuple[str, ...]] = {
    "Intervention": ("title", "description"),
    "Criterion": ("statement",),
    "Municipality": ("name",),
    "Letter": ("subject", "text"),
}
