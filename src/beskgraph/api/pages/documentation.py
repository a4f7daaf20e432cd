"""The ontology and the shapes as documentation pages: classes, properties, values, shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from beskgraph.api.pages.terms import curie
from beskgraph.vocabulary import BG, OWL, RDF, RDFS, SH, SKOS

PROPERTY_TYPES = {str(OWL.ObjectProperty), str(OWL.DatatypeProperty), str(OWL.AnnotationProperty)}


@dataclass
class Entry:
    """One documented term (or shape): its names, comments and other statements."""

    iri: str
    anchor: str
    types: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    statements: dict[str, list[object]] = field(default_factory=dict)  # curie of property -> values
    constraints: list[dict[str, list[object]]] = field(default_factory=list)

    @property
    def curie(self) -> str:
        return curie(self.iri)


def _display(term: object) -> object:
    """Literals as text; IRIs stay IRIs (templates link them); blank nodes as their label."""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        return term
    return "…"


def _entries(triples: tuple[ox.Triple, ...]) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode):
            continue
        iri = t.subject.value
        entry = entries.setdefault(iri, Entry(iri, iri.split("#", 1)[1] if "#" in iri else ""))
        prop, obj = t.predicate.value, t.object
        if prop == str(RDF.type):
            entry.types.append(obj.value)  # type: ignore[union-attr]  # (no quoted triples in Turtle 1.1)
        elif prop in (str(RDFS.label), str(SKOS.prefLabel)) and isinstance(obj, ox.Literal):
            entry.labels.setdefault(obj.language or "", obj.value)
        elif prop == str(RDFS.comment) and isinstance(obj, ox.Literal):
            entry.comments.setdefault(obj.language or "", obj.value)
        else:
            entry.statements.setdefault(curie(prop), []).append(_display(obj))
    return entries


def vocabulary_context(triples: tuple[ox.Triple, ...]) -> dict[str, Any]:
    entries = _entries(triples)
    ontologies = [e for e in entries.values() if str(OWL.Ontology) in e.types]
    classes = [e for e in entries.values() if str(OWL.Class) in e.types]
    properties = [e for e in entries.values() if PROPERTY_TYPES & set(e.types)]
    values = [
        e
        for e in entries.values()
        if e.iri.startswith(str(BG)) and e not in classes and e not in properties and e.types
    ]

    def by_name(e: Entry) -> str:
        return e.labels.get("da", e.curie).lower()

    return {
        "title": "Ontologi",
        "ontologies": ontologies,
        "classes": sorted(classes, key=by_name),
        "properties": sorted(properties, key=by_name),
        "values": sorted(values, key=lambda e: (e.types, by_name(e))),
    }


def shapes_context(triples: tuple[ox.Triple, ...]) -> dict[str, Any]:
    by_subject: dict[object, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    shapes = []
    for subject, own in by_subject.items():
        if not isinstance(subject, ox.NamedNode) or not any(
            t.predicate.value == str(RDF.type) and t.object == ox.NamedNode(str(SH.NodeShape)) for t in own
        ):
            continue
        entry = Entry(subject.value, subject.value.split("#", 1)[-1])
        for t in own:
            if t.predicate.value == str(SH.property):
                constraint: dict[str, list[object]] = {}
                for p in by_subject.get(t.object, []):
                    constraint.setdefault(curie(p.predicate.value), []).append(_display(p.object))
                entry.constraints.append(constraint)
            elif t.predicate.value != str(RDF.type):
                entry.statements.setdefault(curie(t.predicate.value), []).append(_display(t.object))
        shapes.append(entry)
    return {"title": "SHACL-former", "shapes": sorted(shapes, key=lambda e: e.anchor)}
