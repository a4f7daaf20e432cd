"""The vocabularies of the graph, each a closed class: a term its vocabulary lacks raises
AttributeError where it is named, so a misspelt term cannot mint a new IRI.

``BG`` is generated from ``ontology/`` (:mod:`.generate`); the standard vocabularies are in
:mod:`.standard`, the prefixes in :mod:`.prefixes`. Below every layer: the model's
controlled values carry their IRIs from here.
"""

from .bg import BG
from .prefixes import PREFIXES, bind_prefixes, sparql_prefixes
from .standard import (
    DCAT,
    DCTERMS,
    ELI,
    FOAF,
    FORMATS,
    OA,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SD,
    SH,
    SKOS,
    VOID,
    WD,
    XSD,
)

__all__ = [
    "BG",
    "DCAT",
    "DCTERMS",
    "ELI",
    "FOAF",
    "FORMATS",
    "OA",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SD",
    "SH",
    "SKOS",
    "VOID",
    "WD",
    "XSD",
    "bind_prefixes",
    "sparql_prefixes",
]
