"""What is searched: which properties feed which field of a node's search document.

A node is searchable when its IRI was minted by beskgraph (under the base, without a
fragment: spans and ontology terms are not) and it has a literal of one of these
properties. Each field has a weight in the ranking (BM25 per field, times the weight).
A node's label is its first ``name`` value in the order below (Danish or untagged first),
as the pages name nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

from beskgraph.vocabulary import BG, DCTERMS, RDFS, SCHEMA, SKOS


@dataclass(frozen=True)
class Field:
    name: str
    weight: float
    properties: tuple[str, ...]


FIELDS = (
    Field(
        "name",
        3.0,
        tuple(
            str(p)
            for p in (
                SKOS.prefLabel,
                RDFS.label,
                DCTERMS.title,
                SCHEMA.name,
                SCHEMA.headline,
                BG.citation,
                BG.statement,
            )
        ),
    ),
    Field(
        "alt",
        2.0,
        tuple(str(p) for p in (SKOS.altLabel, SKOS.notation, BG.kommunekode, BG.citedAs, SCHEMA.jobTitle)),
    ),
    Field(
        "body",
        1.0,
        tuple(
            str(p)
            for p in (
                DCTERMS.description,
                SCHEMA.description,
                SCHEMA.text,
                BG.purpose,
                BG.focus,
                BG.experiences,
                BG.advice,
                BG.organisationRequirements,
            )
        ),
    ),
)
FIELD_OF = {prop: field.name for field in FIELDS for prop in field.properties}
PROPERTIES = tuple(FIELD_OF)
LABEL_ORDER = {prop: rank for rank, prop in enumerate(FIELDS[0].properties)}
SNIPPET_ORDER = ("body", "name", "alt")  # the field a hit's snippet is taken from, if it matched there
