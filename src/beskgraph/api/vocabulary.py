"""The ontology and the shapes as published: read from the Turtle files of ``ontology/`` and ``shapes/``."""

from __future__ import annotations

import functools
from pathlib import Path

import pyoxigraph as ox

from beskgraph.config import ONTOLOGY_DIR, SHAPES_DIR
from beskgraph.vocabulary import BG, OWL, RDF

RDF_TYPE, OWL_ONTOLOGY, OWL_VERSION_IRI = str(RDF.type), str(OWL.Ontology), str(OWL.versionIRI)
ONTOLOGY_IRI = str(BG).rstrip("#")


@functools.cache
def turtle_triples(folder: Path) -> tuple[ox.Triple, ...]:
    """Every triple of the Turtle files in ``folder``, sorted."""
    triples: set[ox.Triple] = set()
    for path in sorted(folder.glob("*.ttl")):
        triples.update(ox.parse(path=path, format=ox.RdfFormat.TURTLE))
    return tuple(sorted(triples, key=str))


def ontology_triples() -> tuple[ox.Triple, ...]:
    return turtle_triples(ONTOLOGY_DIR)


def shapes_triples() -> tuple[ox.Triple, ...]:
    return turtle_triples(SHAPES_DIR)


def ontology_modules() -> set[str]:
    """The owl:Ontology IRIs declared in ontology/, and their version IRIs."""
    modules = {
        t.subject.value  # type: ignore[union-attr]  # (no quoted triples in Turtle 1.1)
        for t in ontology_triples()
        # ignored below: no quoted triples in Turtle 1.1
        if t.predicate.value == RDF_TYPE and t.object.value == OWL_ONTOLOGY  # type: ignore[union-attr]
    }
    return modules | {
        t.object.value  # type: ignore[union-attr]  # (no quoted triples in Turtle 1.1)
        for t in ontology_triples()
        # ignored below: no quoted triples in Turtle 1.1
        if t.predicate.value == OWL_VERSION_IRI and t.subject.value in modules  # type: ignore[union-attr]
    }
