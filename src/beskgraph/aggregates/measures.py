"""The aggregates: what is counted per node, and the sort keys, each as one SPARQL query.

Every measure is a property of the derived vocabulary (``ontology/aggregates.ttl``) and a
query giving rows ``?n ?v`` (the node and its value; a tally gives ``?n ?by ?v``, one
property per value of ``?by``). Counts are given for every node of their class, zero
included (from a second query listing those nodes: an OPTIONAL in the count made it up
to 10 times slower), and count distinct nodes, so a store whose default graph is the
union of its graphs as a bag (Oxigraph's and Virtuoso's union modes give a row per graph
restating a triple) counts the same as the embedded store.
"""

from __future__ import annotations

from dataclasses import dataclass

from beskgraph.vocabulary import BG, SCHEMA

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class Count:
    """How many nodes of class ``child`` reach each node of class ``parent`` along ``path``."""

    predicate: str
    parent: str
    child: str
    path: str  # a SPARQL property path from a child to its parent

    def query(self) -> str:
        return (
            f"SELECT ?n (COUNT(DISTINCT ?c) AS ?v) WHERE {{ ?c <{RDF_TYPE}> <{self.child}> . "
            f"{{ ?c {self.path} ?n }} }} GROUP BY ?n"
        )

    def parents(self) -> str:
        """The nodes that have this count: zero when the count query has no row for one, and
        only they (checking the class in the count query made it up to 30 times slower)."""
        return f"SELECT DISTINCT ?n WHERE {{ ?n <{RDF_TYPE}> <{self.parent}> }}"


@dataclass(frozen=True)
class Tally:
    """A :class:`Count` split by the value each child has along ``by``: one property per value."""

    count: Count
    by: str  # the property giving each child's value
    predicates: tuple[tuple[str, str], ...]  # (value, property of its count)

    def query(self) -> str:
        c = self.count
        return (
            f"SELECT ?n ?by (COUNT(DISTINCT ?c) AS ?v) WHERE {{ ?c <{RDF_TYPE}> <{c.child}> ; "
            f"<{self.by}> ?by . {{ ?c {c.path} ?n }} }} GROUP BY ?n ?by"
        )

    def parents(self) -> str:
        return self.count.parents()


@dataclass(frozen=True)
class Score:
    """An intervention's published score on one test: the sort key of listings by score."""

    predicate: str
    test_kind: str

    def query(self) -> str:
        return (
            f"SELECT ?n (MAX(?s) AS ?v) WHERE {{ ?n <{BG.testResult}> ?t . "
            f"?t <{BG.testKind}> <{self.test_kind}> ; <{BG.publishedScore}> ?s }} GROUP BY ?n"
        )


Measure = Count | Tally | Score


INTERVENTION_COUNT = str(BG.interventionCount)  # a municipality's or a target group's interventions
LETTER_COUNT = str(BG.letterCount)  # letters about a municipality (bg:municipality)
MENTIONED_IN_COUNT = str(BG.mentionedInCount)  # letters mentioning a municipality (schema:mentions)
CORRESPONDENCE_COUNT = str(BG.correspondenceCount)  # letters about or mentioning it, each once
ASSESSMENT_COUNT = str(BG.assessmentCount)  # a criterion's answers
YES_COUNT, PARTIAL_COUNT, NO_COUNT = str(BG.yesCount), str(BG.partialCount), str(BG.noCount)
EVIDENCE_SCORE = str(BG.evidenceScore)  # an intervention's published Evidenstest score
GOOD_PRACTICE_SCORE = str(BG.goodPracticeScore)  # … and God praksis test score

MEASURES: tuple[Measure, ...] = (
    Count(INTERVENTION_COUNT, str(BG.Municipality), str(BG.Intervention), f"<{BG.municipality}>"),
    Count(LETTER_COUNT, str(BG.Municipality), str(BG.Letter), f"<{BG.municipality}>"),
    Count(MENTIONED_IN_COUNT, str(BG.Municipality), str(BG.Letter), f"<{SCHEMA.mentions}>"),
    Count(
        CORRESPONDENCE_COUNT, str(BG.Municipality), str(BG.Letter), f"<{BG.municipality}>|<{SCHEMA.mentions}>"
    ),
    Count(INTERVENTION_COUNT, str(BG.TargetGroup), str(BG.Intervention), f"<{BG.targetGroup}>"),
    Count(ASSESSMENT_COUNT, str(BG.Criterion), str(BG.Assessment), f"<{BG.criterion}>"),
    Tally(
        Count(ASSESSMENT_COUNT, str(BG.Criterion), str(BG.Assessment), f"<{BG.criterion}>"),
        str(BG.answer),
        ((str(BG.Yes), YES_COUNT), (str(BG.Partial), PARTIAL_COUNT), (str(BG.No), NO_COUNT)),
    ),
    Score(EVIDENCE_SCORE, str(BG.EvidenceTest)),
    Score(GOOD_PRACTICE_SCORE, str(BG.GoodPracticeTest)),
)
PREDICATES = tuple(
    dict.fromkeys(
        p for m in MEASURES for p in ([q for _, q in m.predicates] if isinstance(m, Tally) else [m.predicate])
    )
)
