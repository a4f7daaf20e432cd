"""The soak test's requests: well-behaved ones (the typical GraphQL requests, SPARQL, dumps,
the description) with a check of their answer, and hostile ones by kind."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.requests import BG, Request

# A check gets (status, body start) and returns what is wrong, or None.
Check = Callable[[int, bytes], str | None]
SPARQL_JSON = {"Accept": "application/sparql-results+json"}


@dataclass(frozen=True)
class Call:
    """One HTTP request of the soak: ``kind`` is the row it is reported under."""

    kind: str
    name: str
    method: str
    path: str
    options: dict[str, Any] = field(default_factory=dict)  # httpx request arguments
    check: Check | None = None  # None for hostile calls: their status is only reported


def graphql_ok(status: int, body: bytes) -> str | None:
    if status != 200:
        return f"HTTP {status}: {body[:200]!r}"
    answer = json.loads(body)
    if answer.get("errors") or "data" not in answer:
        return f"GraphQL errors: {str(answer.get('errors'))[:200]}"
    return None


def sparql_ok(status: int, body: bytes) -> str | None:
    if status != 200:
        return f"HTTP {status}: {body[:200]!r}"
    answer = json.loads(body)
    return None if "results" in answer or "boolean" in answer else f"not SPARQL results: {body[:200]!r}"


def status_ok(status: int, body: bytes) -> str | None:
    return None if status == 200 else f"HTTP {status}: {body[:200]!r}"


SPARQL_QUERIES = {
    "interventions per municipality": f"""PREFIX bg: <{BG}>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?name (COUNT(?i) AS ?n) WHERE {{ ?i a bg:Intervention ; bg:municipality/rdfs:label ?name }}
        GROUP BY ?name ORDER BY DESC(?n) ?name LIMIT 20""",
    "scores of one test kind": f"""PREFIX bg: <{BG}>
        SELECT ?i ?score WHERE {{ ?i bg:testResult ?t . ?t bg:testKind bg:EvidenceTest ;
        bg:publishedScore ?score }} ORDER BY DESC(?score) ?i LIMIT 50""",
    "ask": f"PREFIX bg: <{BG}> ASK {{ ?m bg:kommunekode ?code }}",
}
DUMP_PATHS = ["/dump.ttl", "/dump.trig", "/dump.nq", "/dump.nt", "/dump.jsonld"]


def graphql_calls(requests: list[Request]) -> list[Call]:
    """The GraphQL requests as POSTs whose answer must have data and no errors."""
    return [Call("graphql", r.name, "POST", "/graphql", {"json": r.payload()}, graphql_ok) for r in requests]


def polite(requests: list[Request]) -> list[Call]:
    """One round of well-behaved requests: every GraphQL request, every SPARQL query (GET and
    POST), every dump format and the description. Clients start at different places in it."""
    graphql = graphql_calls(requests)
    calls = list(graphql)
    for index, (name, query) in enumerate(SPARQL_QUERIES.items()):
        options = {"params": {"query": query}} if index % 2 else {"data": {"query": query}}
        calls.append(
            Call(
                "sparql",
                name,
                "GET" if index % 2 else "POST",
                "/sparql",
                {**options, "headers": SPARQL_JSON},
                sparql_ok,
            )
        )
    calls += graphql  # twice a round: GraphQL is most of the traffic
    calls += [Call("dump", path, "GET", path, {}, status_ok) for path in DUMP_PATHS]
    calls += [
        Call("description", "VoID", "GET", "/.well-known/void", {}, status_ok),
        Call("description", "health", "GET", "/health", {}, status_ok),
    ]
    return calls


# ---------------------------------------------------------------------------
# Hostile requests


SCORE_ORDER = "Intervention.score.EVIDENCE:DESC"  # what the cursors of interventions by score name
BASE_IRI = "https://w3id.org/beskgraph/"


def _cursor(ordering: str, key: object, iri: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([ordering, key, iri]).encode()).decode().rstrip("=")


def _nested(levels: int, page: int) -> str:
    inner = "name"
    for _ in range(levels):
        inner = f"interventions(first: {page}) {{ nodes {{ title municipality {{ {inner} }} }} }}"
    return f"{{ municipalities(first: {page}) {{ nodes {{ {inner} }} }} }}"


def _fragments(doublings: int) -> str:
    parts = [f"query {{ ...F{doublings} }}", "fragment F0 on Query { __typename }"]
    parts += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, doublings + 1)]
    return "\n".join(parts)


def hostile(canary: str) -> dict[str, list[Call]]:
    """Hostile requests by kind; ``canary`` is a loopback URL that must never be contacted."""
    huge = 16 * 2**20
    service = f"SELECT * WHERE {{ SERVICE <{canary}/sparql> {{ ?s ?p ?o }} }}"
    # rdflib reads \\U00000022 as 8 hex digits, pyoxigraph 4: a check that parses with one
    # and runs with the other sees two different queries
    disguised = (
        f'ASK {{ FILTER("\\u00000022" != "") SERVICE <{canary}/sparql> {{ ?s ?p ?o }} '
        'FILTER("\\u00000022") }'
    )
    return {
        "huge body": [
            Call(
                "huge body",
                "16 MiB GraphQL POST",
                "POST",
                "/graphql",
                {
                    "content": b'{"query": "{ __typename }", "pad": "' + b"x" * huge + b'"}',
                    "headers": {"Content-Type": "application/json"},
                },
            ),
            Call(
                "huge body",
                "16 MiB SPARQL POST",
                "POST",
                "/sparql",
                {
                    "content": b"query=ASK%7B%7D%23" + b"x" * huge,
                    "headers": {"Content-Type": "application/x-www-form-urlencoded"},
                },
            ),
        ],
        "deep query": [
            Call("deep query", "GraphQL depth 40", "POST", "/graphql", {"json": {"query": _nested(20, 1)}}),
            Call(
                "deep query",
                "SPARQL 60 nested groups",
                "GET",
                "/sparql",
                {"params": {"query": "ASK " + "{ " * 60 + "?s ?p ?o " + "} " * 60}},
            ),
        ],
        "slow cross join": [
            Call(
                "slow cross join",
                "COUNT over a 3-way cross product",
                "GET",
                "/sparql",
                {
                    "params": {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"},
                    "headers": SPARQL_JSON,
                },
            ),
        ],
        "bad cursor": [
            Call(
                "bad cursor",
                "not base64 JSON",
                "POST",
                "/graphql",
                {"json": {"query": '{ interventions(first: 2, after: "%%%garbage") { nodes { title } } }'}},
            ),
            Call(
                "bad cursor",
                "a score key too large for a float",
                "POST",
                "/graphql",
                {
                    "json": {
                        "query": "{ interventions(first: 2, orderBy: {field: SCORE, direction: DESC}, "
                        f'after: "{_cursor(SCORE_ORDER, 10**400, BASE_IRI + "x")}") '
                        "{ nodes { title } } }"
                    }
                },
            ),
        ],
        "SERVICE": [
            Call(
                "SERVICE",
                "plain SERVICE",
                "GET",
                "/sparql",
                {"params": {"query": service}, "headers": SPARQL_JSON},
            ),
            Call(
                "SERVICE",
                "SERVICE behind codepoint escapes",
                "POST",
                "/sparql",
                {"data": {"query": disguised}, "headers": SPARQL_JSON},
            ),
        ],
        # Opt-in (--hostile ... costly fragments union): known today to take minutes or GBs.
        "costly": [
            Call(
                "costly",
                "nested pages of 100 within the depth limit",
                "POST",
                "/graphql",
                {"json": {"query": _nested(3, 100)}},
            ),
        ],
        "fragments": [
            Call(
                "fragments",
                "2^20 fragment spreads in 1 KB",
                "POST",
                "/graphql",
                {"json": {"query": _fragments(20)}},
            ),
        ],
        "union": [
            Call(
                "union",
                "10 000-branch UNION",
                "POST",
                "/sparql",
                {
                    "data": {
                        "query": "ASK { " + " UNION ".join(f"{{ ?s ?p {i} }}" for i in range(10_000)) + " }"
                    },
                    "headers": SPARQL_JSON,
                },
            ),
        ],
    }


DEFAULT_HOSTILE = ["huge body", "deep query", "slow cross join", "bad cursor", "SERVICE"]
