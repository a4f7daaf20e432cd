"""Write :mod:`beskgraph.vocabulary.bg` from the ontology: ``python -m beskgraph.vocabulary.generate``.

Every term the Turtle files of ``ontology/`` declare (give a type) becomes an attribute of
the closed class ``BG``, grouped by kind and commented with its English label, so a term
the ontology lacks fails where the code names it. ``--check`` only compares: exit status 1
when the module is not what the ontology gives (a test runs it).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ..config import ONTOLOGY_DIR

NAMESPACE = "https://w3id.org/beskgraph/ontology#"
MODULE = Path(__file__).with_name("bg.py")
GROUPS = (  # heading, and whether a term of these types belongs under it
    ("Classes", {OWL.Class}),
    ("Object properties", {OWL.ObjectProperty}),
    ("Datatype properties", {OWL.DatatypeProperty}),
    ("Annotation properties", {OWL.AnnotationProperty}),
    ("Concept schemes (controlled lists)", {SKOS.ConceptScheme}),
)
VALUES = "Values of the controlled lists"
HEADER = '''"""The beskgraph ontology's terms as a closed namespace: a term the ontology does not
declare raises AttributeError where it is named.

Generated from ontology/*.ttl by ``python -m beskgraph.vocabulary.generate``; do not edit.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class BG(DefinedNamespace):
    """https://w3id.org/beskgraph/ontology#"""

    _NS = Namespace("https://w3id.org/beskgraph/ontology#")
    _fail = True
'''


def ontology(folder: Path = ONTOLOGY_DIR) -> Graph:
    graph = Graph()
    for path in sorted(folder.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _label(graph: Graph, term: URIRef) -> str:
    labels = sorted(
        str(o) for o in graph.objects(term, RDFS.label) if isinstance(o, Literal) and o.language == "en"
    )
    return " ".join(labels[0].split()) if labels else ""


def _lines(graph: Graph, terms: Iterable[URIRef]) -> list[str]:
    out = []
    for term in sorted(terms, key=lambda t: str(t)[len(NAMESPACE) :]):
        label = _label(graph, term)
        out.append(f"    {str(term)[len(NAMESPACE) :]}: URIRef" + (f"  # {label}" if label else ""))
    return out


def module_text(graph: Graph) -> str:
    """The module: every typed term of the namespace, under the heading of its kind."""
    declared = {
        s
        for s in graph.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(NAMESPACE) and len(str(s)) > len(NAMESPACE)
    }
    placed: set[URIRef] = set()
    blocks = []
    for heading, kinds in GROUPS:
        terms = {t for t in declared - placed if kinds & set(graph.objects(t, RDF.type))}
        placed |= terms
        if terms:
            blocks.append([f"    # {heading}", *_lines(graph, terms)])
    if rest := declared - placed:
        blocks.append([f"    # {VALUES}", *_lines(graph, rest)])
    return HEADER + "".join("\n" + "\n".join(block) + "\n" for block in blocks)


def main(argv: list[str]) -> int:
    text = module_text(ontology())
    if "--check" in argv:
        current = MODULE.read_text(encoding="utf-8") if MODULE.exists() else ""
        if current != text:
            print(
                f"{MODULE.name} is not what ontology/ gives: run python -m beskgraph.vocabulary.generate",
                file=sys.stderr,
            )
            return 1
        return 0
    MODULE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
