"""Precomputed aggregates and sort keys: counts per municipality, target group and criterion
(per answer too), and each intervention's published scores.

    from beskgraph.aggregates import aggregates, INTERVENTION_COUNT
    aggregates(store).get(INTERVENTION_COUNT, "https://w3id.org/beskgraph/municipality/410")

In SPARQL they are triples of the derived graph ``{base}graph/derived/aggregates``
(``?m bg:interventionCount ?n``), written at load. See docs/search.md.
"""

from beskgraph.aggregates.compute import GRAPH
from beskgraph.aggregates.measures import (
    ASSESSMENT_COUNT,
    CORRESPONDENCE_COUNT,
    EVIDENCE_SCORE,
    GOOD_PRACTICE_SCORE,
    INTERVENTION_COUNT,
    LETTER_COUNT,
    MEASURES,
    MENTIONED_IN_COUNT,
    NO_COUNT,
    PARTIAL_COUNT,
    PREDICATES,
    YES_COUNT,
)
from beskgraph.aggregates.tables import Aggregates, aggregates, materialise

__all__ = [
    "ASSESSMENT_COUNT",
    "CORRESPONDENCE_COUNT",
    "EVIDENCE_SCORE",
    "GOOD_PRACTICE_SCORE",
    "GRAPH",
    "INTERVENTION_COUNT",
    "LETTER_COUNT",
    "MEASURES",
    "MENTIONED_IN_COUNT",
    "NO_COUNT",
    "PARTIAL_COUNT",
    "PREDICATES",
    "YES_COUNT",
    "Aggregates",
    "aggregates",
    "materialise",
]
