"""The six typical front-end GraphQL requests, with variables picked from the data itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from beskgraph.api.graphql.ids import encode_id
from beskgraph.store import Store

BG = "https://w3id.org/beskgraph/ontology#"


@dataclass(frozen=True)
class Request:
    name: str
    query: str
    variables: dict[str, Any]

    def payload(self) -> dict[str, Any]:
        return {"query": self.query, "variables": self.variables}


MUNICIPALITIES = """{ municipalities(first: 100) { totalCount nodes { code name region { name }
  interventions { totalCount } } } }"""

INTERVENTION = """query ($id: ID!) { intervention(id: $id) { title municipality { code name }
  targetGroups { label targetGroupKind }
  evidenceTest { score computedScore assessments { nodes {
    answer threshold text criterion { id statement } } } }
  goodPracticeTest { score computedScore assessments { nodes {
    answer threshold text criterion { id statement } } } }
} }"""

FILTERED = """query ($group: ID!) { interventions(first: 20,
    filter: {targetGroup: $group, minScore: [{testKind: EVIDENCE, score: 3.0}]},
    orderBy: {field: SCORE, direction: DESC}) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { title municipality { code name } evidenceTest { score } } } }"""

CRITERION = """query ($id: ID!) { criterion(id: $id) { statement testKind
  assessments(first: 100) { totalCount nodes {
    answer intervention { title municipality { code name } } } } } }"""

LETTERS = """query ($code: String!) { letters(first: 20, filter: {municipality: $code},
    orderBy: {field: DATE, direction: DESC}) {
  totalCount nodes { date subject sender { name partyKind } commitments { nodes { text deadline } } } } }"""

SEARCH = """query ($text: String!) { search(text: $text, first: 20) {
  totalCount nodes { __typename iri } } }"""


def _first(store: Store, query: str) -> str:
    rows = store.select(query)
    if not rows:
        raise LookupError(f"the benchmark graph has nothing for: {query}")
    return str(rows[0]["x"])


def typical_requests(store: Store) -> list[Request]:
    """The six requests, their variables chosen deterministically from ``store``."""
    intervention = _first(store, f"SELECT ?x WHERE {{ ?x a <{BG}Intervention> }} ORDER BY ?x LIMIT 1")
    group = _first(
        store,
        f"""SELECT ?x WHERE {{ ?i <{BG}targetGroup> ?x . ?x a <{BG}TargetGroup> }}
        GROUP BY ?x ORDER BY DESC(COUNT(?i)) ?x LIMIT 1""",
    )
    criterion = _first(
        store,
        f"""SELECT ?x WHERE {{ ?a <{BG}criterion> ?x }}
        GROUP BY ?x ORDER BY DESC(COUNT(?a)) ?x LIMIT 1""",
    )
    code = _first(
        store,
        f"""SELECT ?x WHERE {{ ?l a <{BG}Letter> ; <{BG}municipality>/<{BG}kommunekode> ?x }}
        GROUP BY ?x ORDER BY DESC(COUNT(?l)) ?x LIMIT 1""",
    )
    return [
        Request("municipalities with intervention counts", MUNICIPALITIES, {}),
        Request(
            "one intervention, all answers and criteria",
            INTERVENTION,
            {"id": encode_id("Intervention", intervention)},
        ),
        Request(
            "by target group and min score, by score, first 20",
            FILTERED,
            {"group": encode_id("TargetGroup", group)},
        ),
        Request(
            "a criterion with every municipality's answer",
            CRITERION,
            {"id": encode_id("Criterion", criterion)},
        ),
        Request("letters of one municipality with commitments", LETTERS, {"code": code}),
        Request("text search", SEARCH, {"text": "ledighed"}),
    ]
