"""Names of terms in Danish and English: the ontology's own labels, and the standard terms it reuses."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from beskgraph.api.vocabulary import ontology_triples
from beskgraph.vocabulary import PREFIXES, RDFS, SKOS

RDFS_LABEL, SKOS_PREF_LABEL = str(RDFS.label), str(SKOS.prefLabel)

# The standard terms the graph uses, which ontology/ does not label (it reuses them as they are).
STANDARD: dict[str, tuple[str, str]] = {
    "rdf:type": ("type", "type"),
    "rdfs:label": ("navn", "label"),
    "rdfs:comment": ("beskrivelse", "comment"),
    "skos:prefLabel": ("navn", "preferred label"),
    "skos:altLabel": ("andet navn", "alternative label"),
    "skos:notation": ("kode", "notation"),
    "skos:inScheme": ("i begrebssystem", "in scheme"),
    "skos:Concept": ("Begreb", "Concept"),
    "skos:ConceptScheme": ("Begrebssystem", "Concept scheme"),
    "dcterms:title": ("titel", "title"),
    "dcterms:description": ("beskrivelse", "description"),
    "dcterms:identifier": ("identifikator", "identifier"),
    "dcterms:isPartOf": ("del af", "is part of"),
    "dcterms:hasPart": ("har del", "has part"),
    "dcterms:references": ("henviser til", "references"),
    "dcterms:license": ("licens", "licence"),
    "prov:wasDerivedFrom": ("udtrukket fra", "derived from"),
    "schema:name": ("navn", "name"),
    "schema:sender": ("afsender", "sender"),
    "schema:recipient": ("modtager", "recipient"),
    "schema:author": ("forfatter", "author"),
    "schema:dateSent": ("afsendt", "date sent"),
    "schema:text": ("tekst", "text"),
    "schema:headline": ("overskrift", "headline"),
    "schema:description": ("beskrivelse", "description"),
    "schema:identifier": ("identifikator", "identifier"),
    "schema:mentions": ("omtaler", "mentions"),
    "schema:jobTitle": ("stilling", "job title"),
    "schema:worksFor": ("arbejder for", "works for"),
    "schema:sameAs": ("samme som", "same as"),
    "schema:value": ("værdi", "value"),
    "schema:unitText": ("enhed", "unit"),
    "schema:variableMeasured": ("målt størrelse", "variable measured"),
    "schema:observationAbout": ("handler om", "observation about"),
    "schema:propertyID": ("art", "property ID"),
    "schema:Message": ("Meddelelse", "Message"),
    "schema:Person": ("Person", "Person"),
    "schema:Observation": ("Observation", "Observation"),
    "schema:PropertyValue": ("Værdi", "Property value"),
    "schema:SoftwareApplication": ("IT-system", "Software application"),
    "org:Organization": ("Organisation", "Organisation"),
    "org:OrganizationalUnit": ("Organisatorisk enhed", "Organisational unit"),
    "org:Post": ("Stilling", "Post"),
    "org:Role": ("Rolle", "Role"),
    "org:unitOf": ("enhed i", "unit of"),
    "org:postIn": ("stilling i", "post in"),
    "org:role": ("rolle", "role"),
    "org:heldBy": ("besat af", "held by"),
    "org:holds": ("bestrider", "holds"),
    "oa:hasBody": ("omtaler", "body"),
    "oa:hasTarget": ("i", "target"),
    "oa:start": ("start", "start"),
    "oa:end": ("slut", "end"),
    "oa:exact": ("ordlyd", "exact text"),
    "oa:TextPositionSelector": ("Tekstudsnit", "Text position selector"),
    "oa:TextQuoteSelector": ("Citat", "Text quote selector"),
    "eli:LegalResource": ("Retsakt", "Legal resource"),
    "eli:LegalResourceSubdivision": ("Lovbestemmelse", "Legal provision"),
    "eli:is_part_of": ("del af", "is part of"),
    "eli:id_local": ("lokal identifikator", "local identifier"),
    "eli:title": ("titel", "title"),
    "eli:date_document": ("dato", "date"),
    "owl:Ontology": ("Ontologi", "Ontology"),
    "owl:Class": ("Klasse", "Class"),
    "owl:ObjectProperty": ("Objektegenskab", "Object property"),
    "owl:DatatypeProperty": ("Dataegenskab", "Datatype property"),
}


@dataclass(frozen=True)
class Term:
    """A term's names: Danish, English, and its short prefixed form."""

    iri: str
    da: str
    en: str
    curie: str


def curie(iri: str) -> str:
    """``bg:Letter`` for a term of a known vocabulary, else the IRI."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


@functools.cache
def _ontology_labels() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for triple in ontology_triples():
        if triple.predicate.value in (RDFS_LABEL, SKOS_PREF_LABEL):
            language = triple.object.language or ""  # type: ignore[union-attr]  # (a label is a literal)
            # ignored below: a label is a literal, of an IRI
            found.setdefault(triple.subject.value, {}).setdefault(language, triple.object.value)  # type: ignore[union-attr]
    return found


@functools.cache
def term(iri: str) -> Term:
    """A term's names; the prefixed form stands in where no label is known."""
    short = curie(iri)
    labels = _ontology_labels().get(iri)
    if labels:
        da = labels.get("da") or labels.get("") or labels.get("en") or short
        return Term(iri, da, labels.get("en") or da, short)
    if short in STANDARD:
        da, en = STANDARD[short]
        return Term(iri, da, en, short)
    return Term(iri, short, short, short)
