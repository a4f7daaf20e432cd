"""The standard vocabularies the graph and the API use, each a closed class.

rdflib ships closed classes (``DefinedNamespace`` with ``_fail = True``) generated from the
vocabularies' own files for RDF, RDFS, OWL, SKOS, PROV-O, DCTERMS, ORG, SHACL, VoID and
FOAF: they are used as they are. Its DCAT, XSD and schema.org classes list every term but
only warn about others: here they are closed, and schema.org gains ``observationAbout``,
which is newer than rdflib's copy. ELI, Web Annotation, the SPARQL Service Description and
the W3C's list of formats have no class in rdflib: here they are closed lists of the terms
beskgraph uses (a test checks that every term the ontology and the shapes name is listed).
Wikidata's entity namespace names items, not terms, and stays open.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import (
    DCAT as _DCAT,
)
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    VOID,
    DefinedNamespace,
)
from rdflib.namespace import (
    SDO as _SDO,
)
from rdflib.namespace import (
    XSD as _XSD,
)
from rdflib.term import URIRef

__all__ = [
    "DCAT",
    "DCTERMS",
    "ELI",
    "FOAF",
    "FORMATS",
    "OA",
    "ORG",
    "OWL",
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
]


class XSD(_XSD):
    """XML Schema datatypes (rdflib's list, closed)."""

    _fail = True


class DCAT(_DCAT):
    """DCAT 2 (rdflib's list, closed)."""

    _fail = True


class SCHEMA(_SDO):
    """schema.org (rdflib's list, closed, with the terms it lacks)."""

    _fail = True

    observationAbout: URIRef  # the subject of a schema:Observation (schema.org 13)


class ELI(DefinedNamespace):
    """The European Legislation Identifier ontology: the terms beskgraph uses."""

    _NS = Namespace("http://data.europa.eu/eli/ontology#")
    _fail = True

    LegalExpression: URIRef
    LegalResource: URIRef
    LegalResourceSubdivision: URIRef
    ResourceType: URIRef
    date_document: URIRef
    id_local: URIRef
    is_part_of: URIRef
    is_realized_by: URIRef
    language: URIRef
    number: URIRef
    realizes: URIRef
    title: URIRef
    type_document: URIRef


class OA(DefinedNamespace):
    """The Web Annotation vocabulary: the terms beskgraph uses or its ontology names."""

    _NS = Namespace("http://www.w3.org/ns/oa#")
    _fail = True

    Annotation: URIRef
    SpecificResource: URIRef
    TextPositionSelector: URIRef
    TextQuoteSelector: URIRef
    end: URIRef
    exact: URIRef
    hasBody: URIRef
    hasSelector: URIRef
    hasSource: URIRef
    hasTarget: URIRef
    start: URIRef


class SD(DefinedNamespace):
    """The SPARQL 1.1 Service Description vocabulary: the terms beskgraph uses."""

    _NS = Namespace("http://www.w3.org/ns/sparql-service-description#")
    _fail = True

    Dataset: URIRef
    Graph: URIRef
    NamedGraph: URIRef
    SPARQL11Query: URIRef
    Service: URIRef
    UnionDefaultGraph: URIRef
    defaultDataset: URIRef
    defaultGraph: URIRef
    endpoint: URIRef
    feature: URIRef
    graph: URIRef
    name: URIRef
    namedGraph: URIRef
    resultFormat: URIRef
    supportedLanguage: URIRef


class FORMATS(DefinedNamespace):
    """The W3C's IRIs of formats (https://www.w3.org/ns/formats/): those beskgraph serves."""

    _NS = Namespace("http://www.w3.org/ns/formats/")
    _fail = True
    _extras = ("JSON-LD", "N-Quads", "N-Triples")  # not Python names

    RDF_XML: URIRef
    SPARQL_Results_CSV: URIRef
    SPARQL_Results_JSON: URIRef
    SPARQL_Results_TSV: URIRef
    SPARQL_Results_XML: URIRef
    TriG: URIRef
    Turtle: URIRef


WD = Namespace("http://www.wikidata.org/entity/")
