"""Helpers of the GraphQL suites: the app with /graphql, queries that must succeed or fail,
and synthetic interventions (the fixtures are in tests/api/graphql/conftest.py)."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.testclient import TestClient

from beskgraph.api.app import create_app
from beskgraph.api.graphql import graphql_routes
from beskgraph.store import Store

BASE = "https://w3id.org/beskgraph/"
BG = "https://w3id.org/beskgraph/ontology#"


def graphql_app(store: Store) -> Starlette:
    return create_app(store, extra_routes=graphql_routes())


def run(
    client: TestClient, query: str, variables: dict[str, Any] | None = None, *, explain: bool = False
) -> dict[str, Any]:
    """POST a query; assert it succeeded without errors; return the whole response body."""
    payload: dict[str, Any] = {"query": query, "variables": variables or {}}
    if explain:
        payload["extensions"] = {"explain": True}
    response = client.post("/graphql", json=payload)
    body = response.json()
    assert response.status_code == 200, str(body)[:500]
    assert "errors" not in body, body["errors"][:3]
    return body


def data(client: TestClient, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    return run(client, query, variables)["data"]


def errors(client: TestClient, query: str, variables: dict[str, Any] | None = None) -> list[dict]:
    """POST a query that must fail; return its errors."""
    body = client.post("/graphql", json={"query": query, "variables": variables or {}}).json()
    assert body.get("errors"), str(body)[:500]
    return body["errors"]


def synthetic_interventions(count: int, offset: int = 0) -> bytes:
    """TriG of ``count`` extra interventions, each with an evidence test of 3 answers, with what
    the shapes require of them (so every non-null field has its value).

    They reuse Middelfart and the seed's criteria pattern, so nested queries reach
    every level (municipality -> interventions -> tests -> assessments -> criterion).
    """
    document = f"<{BASE}source/synthetic-{offset}>"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    lines = [
        f"{document} a <{BG}SourceDocument> ; <http://purl.org/dc/terms/identifier> "
        f'"synthetic-{offset}.txt" .'
    ]
    for n in range(offset, offset + count):
        node = f"<{BASE}intervention/410-synthetic-{n:05d}>"
        test = f"<{BASE}intervention/410-synthetic-{n:05d}/test/evidence>"
        lines.append(
            f'{node} a <{BG}Intervention> ; <http://purl.org/dc/terms/title> "Syntetisk {n}"@da ; '
            f"<{BG}municipality> <{BASE}municipality/410> ; <{BG}testResult> {test} ; "
            f"<http://www.w3.org/ns/prov#wasDerivedFrom> {document} ."
        )
        lines.append(
            f"{test} a <{BG}TestResult> ; <{BG}testKind> <{BG}EvidenceTest> ; "
            f"<{BG}publishedScore> {n % 50 / 10:.1f} ."
        )
        for position in (1, 2, 3):
            answer = f"<{BASE}intervention/410-synthetic-{n:05d}/test/evidence/answer/{position}>"
            span = f"<{BASE}source/synthetic-{offset}#char={n * 3 + position},{n * 3 + position + 1}>"
            lines.append(
                f"{test} <{BG}assessment> {answer} . {answer} a <{BG}Assessment> ; "
                f'<{BG}answer> <{BG}Yes> ; <{BG}position> {position} ; <{BG}text> "Ja {position}"@da ; '
                f"<{BG}inferred> false ; <{BG}sourceSpan> {span} ; "
                f"<{BG}criterion> <{BASE}criterion/evidence/synthetic-{position}> ."
            )
            lines.append(
                f"{span} a <http://www.w3.org/ns/oa#TextPositionSelector> ; "
                f'<http://www.w3.org/ns/oa#start> "{n * 3 + position}"^^<{xsd}nonNegativeInteger> ; '
                f'<http://www.w3.org/ns/oa#end> "{n * 3 + position + 1}"^^<{xsd}nonNegativeInteger> ; '
                f"<{BG}line> 1 ; <http://purl.org/dc/terms/isPartOf> {document} ."
            )
            lines.append(
                f"<{BASE}criterion/evidence/synthetic-{position}> a <{BG}Criterion> ; "
                f'<{BG}statement> "Syntetisk kriterium {position}"@da ; <{BG}testKind> <{BG}EvidenceTest> .'
            )
    body = "\n".join(lines)
    return f"<{BASE}graph/synthetic-{offset}> {{\n{body}\n}}\n".encode()
