"""IRI minting: every node's IRI is derived from content, under one configurable base.

Same content, same IRI: rebuilding never renames a node. Kinds of node live under
their own path segment so an IRI says what it names.
"""

from __future__ import annotations

from rdflib import URIRef

from ..config import base_iri
from ..text import Span, short_hash, slugify
from .namespaces import ELI_LTA


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


def reference_graph() -> URIRef:
    """The named graph of reference data (municipalities, acts, concept schemes)."""
    return iri("graph", REFERENCE_GRAPH_NAME)


def span(document: URIRef, at: Span) -> URIRef:
    """An RFC 5147 text fragment: ``{document}#char=start,end``."""
    return URIRef(f"{document}#char={at.start},{at.end}")


def intervention(code: str | int, title: str) -> URIRef:
    return iri("intervention", f"{int(code)}-{slugify(title)}")


def test_result(intervention_iri: URIRef, kind_slug: str) -> URIRef:
    return URIRef(f"{intervention_iri}/test/{kind_slug}")


def assessment(test_result_iri: URIRef, position: int) -> URIRef:
    return URIRef(f"{test_result_iri}/answer/{position}")


def criterion(kind_slug: str, key: str) -> URIRef:
    return iri("criterion", kind_slug, short_hash(key))


TARGET_GROUP_SCHEME = "target-groups"


def target_group_scheme() -> URIRef:
    return iri("scheme", TARGET_GROUP_SCHEME)


def target_group(label: str) -> URIRef:
    return iri("target-group", slugify(label))


def act_eli(year: int, number: int) -> URIRef:
    """The ELI of a Danish act in Lovtidende A: the pattern covers LOV, LBK and BEK."""
    return URIRef(f"{ELI_LTA}{year}/{number}")


def legal_provision(year: int, number: int, paragraph: str, subsection: str | None = None,
                    item: str | None = None) -> URIRef:
    """A subdivision (§, stk., nr.) of an act; retsinformation mints none, so we do."""
    parts = ["provision", f"{year}-{number}", f"p{slugify(paragraph)}"]
    if subsection:
        parts.append(f"stk{slugify(subsection)}")
    if item:
        parts.append(f"nr{slugify(item)}")
    return iri(*parts)


def letter(document_name: str, key: str) -> URIRef:
    return iri("letter", slugify(document_name.rsplit(".", 1)[0], 30), slugify(key, 80))


def concept(scheme: str, label: str) -> URIRef:
    """A node in one of the project's controlled lists (answers, test kinds, …)."""
    return iri(scheme, slugify(label))
