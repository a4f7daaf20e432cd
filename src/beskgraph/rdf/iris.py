"""IRI minting: every node's IRI is derived from content, under one configurable base.

Same content, same IRI: rebuilding, renaming a file or reading the same letter in
another appendix never renames a node (the rules: docs/iris.md). Only a source
document, its named graph and the spans in it follow the file. Kinds of node live
under their own path segment so an IRI says what it names.
"""

from __future__ import annotations

from rdflib import URIRef

from ..config import base_iri
from ..text import Span, short_hash, slugify


def iri(*segments: str) -> URIRef:
    """``{base}seg1/seg2/...`` with each segment used as given (already slugged)."""
    return URIRef(base_iri() + "/".join(segments))


def municipality(code: str | int) -> URIRef:
    return iri("municipality", str(int(code)))


def region(name: str) -> URIRef:
    return iri("region", slugify(name))


def source_document(name: str) -> URIRef:
    """The source document itself (a prov:Entity), named by its file stem."""
    return iri("source", slugify(name.rsplit(".", 1)[0]))


def named_graph(name: str) -> URIRef:
    """The named graph holding what was extracted from one source document."""
    return iri("graph", slugify(name.rsplit(".", 1)[0]))


REFERENCE_GRAPH_NAME = "reference"
ONTOLOGY_GRAPH_NAME = "ontology"


def reference_graph() -> URIRef:
    """The named graph of reference data (municipalities, acts, concept schemes)."""
    return iri("graph", REFERENCE_GRAPH_NAME)


def ontology_graph() -> URIRef:
    """The named graph holding the ontology the build was made with."""
    return iri("graph", ONTOLOGY_GRAPH_NAME)


def span(document: URIRef, at: Span) -> URIRef:
    """An RFC 5147 text fragment: ``{document}#char=start,end``."""
    return URIRef(f"{document}#char={at.start},{at.end}")


def intervention(code: str | int, title: str) -> URIRef:
    return iri("intervention", f"{int(code)}-{slugify(title)}")


def test_result(intervention_iri: URIRef, kind_slug: str) -> URIRef:
    return URIRef(f"{intervention_iri}/test/{kind_slug}")


def part(parent: URIRef, kind: str, key: str) -> URIRef:
    """A node that exists only within ``parent`` (a letter's mention, a test's answer)."""
    return URIRef(f"{parent}/{kind}/{key}")


def assessment(test_result_iri: URIRef, key: str) -> URIRef:
    """An answer, by the criterion it answers (``key``: see :func:`answer_key`)."""
    return part(test_result_iri, "answer", key)


def answer_key(criterion_key: str) -> str:
    return short_hash(criterion_key)


def criterion(kind_slug: str, key: str) -> URIRef:
    return iri("criterion", kind_slug, short_hash(key))


TARGET_GROUP_SCHEME = "target-groups"


def scheme(name: str) -> URIRef:
    """One of the project's controlled lists (a ``skos:ConceptScheme``)."""
    return iri("scheme", name)


def target_group_scheme() -> URIRef:
    return scheme(TARGET_GROUP_SCHEME)


def target_group(label: str) -> URIRef:
    return iri("target-group", slugify(label))


ELI_LTA = "https://www.retsinformation.dk/eli/lta/"  # Lovtidende A


def act_eli(year: int, number: int) -> URIRef:
    """The ELI of a Danish act in Lovtidende A: the pattern covers LOV, LBK and BEK."""
    return URIRef(f"{ELI_LTA}{year}/{number}")


def act_expression(year: int, number: int, language: str = "da") -> URIRef:
    """The act's text in one language (an ELI ``LegalExpression``); retsinformation mints
    none, so we do."""
    return iri("act", f"{year}-{number}", language)


def legal_provision(
    year: int, number: int, paragraph: str, subsection: str | None = None, item: str | None = None
) -> URIRef:
    """A subdivision (§, stk., nr.) of an act; retsinformation mints none, so we do."""
    parts = ["provision", f"{year}-{number}", f"p{slugify(paragraph)}"]
    if subsection:
        parts.append(f"stk{slugify(subsection)}")
    if item:
        parts.append(f"nr{slugify(item)}")
    return iri(*parts)


def letter(key: str) -> URIRef:
    """A letter by its key (date, sender, recipient: ``parse.keys``), whatever file holds it."""
    return iri("letter", slugify(key, 90))


def person(name: str, organisation: str | None) -> URIRef:
    """A person with the organisation they sign for (a kommunekode or an organisation's
    slug): two people of one name in two organisations are two persons."""
    return iri("person", *([organisation] if organisation else []), slugify(name))


def concept(scheme: str, label: str) -> URIRef:
    """A node in one of the project's controlled lists (answers, test kinds, …)."""
    return iri(scheme, slugify(label))


BUILD_GRAPH_NAME = "build"


def build_graph() -> URIRef:
    """The named graph holding the provenance of the build (its activity and times)."""
    return iri("graph", BUILD_GRAPH_NAME)


# The graphs every build has besides the documents' (no document's graph may take their name).
BUILT_IN_GRAPHS = {
    REFERENCE_GRAPH_NAME: "reference data",
    ONTOLOGY_GRAPH_NAME: "ontology",
    BUILD_GRAPH_NAME: "build provenance",
}


def built_in_graph(graph: str) -> str | None:
    """What the built-in graph ``graph`` holds (``"reference data"``), or None for any other."""
    return next((what for name, what in BUILT_IN_GRAPHS.items() if graph == str(iri("graph", name))), None)


def build_activity(key: str) -> URIRef:
    """A build, keyed by the software version and the inputs' checksums."""
    return iri("build", key)


def software(name: str, version: str) -> URIRef:
    return iri("software", slugify(name), slugify(version))
