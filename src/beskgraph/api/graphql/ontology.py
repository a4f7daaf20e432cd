"""What the ontology says of a term, for the schema's descriptions.

A field, type or enum value declared over an ontology term takes its description from
the term's ``rdfs:comment@en`` (an individual without one, from its English label), so
the schema and the ontology cannot drift apart; a declaration may narrow it with its
own text.
"""

from __future__ import annotations

import functools

from beskgraph.api.vocabulary import ontology_triples

COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
LABELS = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label")


@functools.cache
def _english() -> dict[tuple[str, str], str]:
    """(term, predicate) -> its English text, for comments and labels."""
    found: dict[tuple[str, str], str] = {}
    for triple in ontology_triples():
        obj = triple.object
        if triple.predicate.value in (COMMENT, *LABELS) and getattr(obj, "language", None) == "en":
            found.setdefault((triple.subject.value, triple.predicate.value), obj.value)  # type: ignore[union-attr]  # the object has a language, so it is a literal with .value
    return found


def comment(term: str) -> str | None:
    """The term's ``rdfs:comment`` in English, if the ontology has one."""
    return _english().get((str(term), COMMENT))


def describe(term: str) -> str | None:
    """The term's English comment, else its English label (controlled values have only labels)."""
    found = comment(term)
    if found is not None:
        return found
    labels = (_english().get((str(term), predicate)) for predicate in LABELS)
    label = next((text for text in labels if text), None)
    return None if label is None else label[0].upper() + label[1:] + "."
