"""Example SPARQL queries offered in the browser editor at /sparql: questions people ask of this graph."""

from __future__ import annotations

from beskgraph.api.pages.queries import PROLOGUE

EXAMPLES: list[tuple[str, str]] = [
    (
        "Indsatser med offentliggjort og genberegnet score",
        """
SELECT ?kommune ?indsats ?test ?offentliggjort ?genberegnet ?stemmer WHERE {
  ?i a bg:Intervention ; dcterms:title ?indsats ; bg:municipality/rdfs:label ?kommune ; bg:testResult ?t .
  ?t bg:testKind/skos:prefLabel ?test ; bg:publishedScore ?offentliggjort ;
     bg:computedScore ?genberegnet ; bg:scoreReproduces ?stemmer .
  FILTER(lang(?test) = "da")
} ORDER BY ?kommune ?test""",
    ),
    (
        "Hvordan svarede kommunerne på hvert kriterium?",
        """
SELECT ?kriterium ?kommune ?svar ?taerskel WHERE {
  ?a bg:criterion/bg:statement ?kriterium ; bg:answer/skos:prefLabel ?svar .
  OPTIONAL { ?a bg:threshold ?taerskel }
  ?t bg:assessment ?a . ?i bg:testResult ?t ; bg:municipality/rdfs:label ?kommune .
  FILTER(lang(?svar) = "da")
} ORDER BY ?kriterium ?kommune LIMIT 200""",
    ),
    (
        "Breve og de breve, de svarer på",
        """
SELECT ?brev ?dato ?svarPaa ?datoForSvaret WHERE {
  ?brev a bg:Letter ; bg:inReplyTo ?svarPaa .
  OPTIONAL { ?brev schema:dateSent ?dato }
  OPTIONAL { ?svarPaa schema:dateSent ?datoForSvaret }
} ORDER BY ?dato""",
    ),
    (
        "Tilsagn med frist, og om der kom opfølgning",
        """
SELECT ?kommune ?tilsagn ?frist ?opfoelgning WHERE {
  ?c a bg:Commitment ; schema:text ?tilsagn .
  OPTIONAL { ?c bg:committedBy/rdfs:label ?kommune }
  OPTIONAL { ?c bg:deadlineEnd ?frist }
  OPTIONAL { ?c bg:acknowledgedIn ?opfoelgning }
} ORDER BY ?frist""",
    ),
    (
        "Hvert svar med sætningen, det er læst fra",
        """
SELECT ?svar ?saetning ?linje ?kilde WHERE {
  ?a a bg:Assessment ; bg:answer/skos:prefLabel ?svar ; bg:sourceSpan ?span .
  ?span oa:exact ?saetning ; bg:line ?linje ; dcterms:isPartOf ?kilde .
  FILTER(lang(?svar) = "da")
} LIMIT 50""",
    ),
]


def examples() -> list[tuple[str, str]]:
    """(title, query with the project's prefixes) pairs."""
    return [(title, PROLOGUE + body.strip() + "\n") for title, body in EXAMPLES]
