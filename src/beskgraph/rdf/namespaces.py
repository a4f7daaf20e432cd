"""The vocabularies the graph uses; ``BG`` holds only what the standard ones lack."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BG = Namespace("https://w3id.org/beskgraph/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SH = Namespace("http://www.w3.org/ns/shacl#")
WD = Namespace("http://www.wikidata.org/entity/")
ELI_LTA = "https://www.retsinformation.dk/eli/lta/"

PREFIXES: dict[str, Namespace] = {
    "bg": BG,
    "dcterms": DCTERMS,
    "eli": ELI,
    "oa": OA,
    "org": ORG,
    "owl": OWL,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "schema": SCHEMA,
    "skos": SKOS,
    "xsd": XSD,
    "wd": WD,
}


def bind_prefixes(graph) -> None:
    """Bind the project's prefixes on an rdflib Graph or Dataset."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
