"""GraphQL over a store written while it serves (embedded and remote): a cursor stays valid,
the cost of a nested query does not grow with the data, and a value the shapes require but
the store lacks is a coded error. Each test writes, so each gets a store of its own."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from beskgraph.store import Store
from tests.support.graphql import BASE, BG, data, run, synthetic_interventions


@pytest.fixture
def gql_store(store_factory: Callable[[bytes], Store], seed_trig: bytes) -> Store:
    """A store of each kind (embedded, remote) loaded with the seed build, for one test."""
    return store_factory(seed_trig)


def test_cursor_stays_valid_when_a_municipality_is_added(gql_client: TestClient, gql_store: Store) -> None:
    query = """query ($after: String) { municipalities(first: 10, after: $after) {
        totalCount pageInfo { endCursor } nodes { code } } }"""
    first = data(gql_client, query)["municipalities"]
    expected_next = data(gql_client, query, {"after": first["pageInfo"]["endCursor"]})["municipalities"]
    # a new municipality-like node sorting before the cursor, and one inside the next page
    added = (
        f"<{BASE}graph/test-added> {{ "
        f'<{BASE}municipality/100> a <{BG}Municipality> ; <{BG}kommunekode> "100" . '
        f'<{BASE}municipality/999> a <{BG}Municipality> ; <{BG}kommunekode> "999" . }}'
    ).encode()
    gql_store.load_dataset(added, "application/trig")
    after = data(gql_client, query, {"after": first["pageInfo"]["endCursor"]})["municipalities"]
    assert after["totalCount"] == 100
    assert after["nodes"] == expected_next["nodes"]


NESTED = """{ municipalities(first: 100) { nodes { code
    interventions(first: 100) { nodes { title
        evidenceTest { score assessments(first: 10) { nodes { answer criterion { statement } } } } } } } } }"""


def _query_count(client: TestClient) -> tuple[int, int]:
    body = run(client, NESTED, explain=True)
    interventions = sum(len(m["interventions"]["nodes"]) for m in body["data"]["municipalities"]["nodes"])
    return len(body["extensions"]["explain"]["sparql"]), interventions


def test_nested_query_cost_does_not_grow_with_data(gql_client: TestClient, gql_store: Store) -> None:
    small, small_cards = _query_count(gql_client)
    gql_store.load_dataset(synthetic_interventions(60), "application/trig")
    large, large_cards = _query_count(gql_client)
    assert large_cards == small_cards + 60
    assert large == small
    assert small <= 12


def test_a_value_the_shapes_require_but_the_store_lacks_is_a_coded_error(
    gql_client: TestClient, gql_store: Store
) -> None:
    """A store not built by beskgraph may lack a value the schema promises: the client gets a
    coded error at the field's path (not an internal error), and the rest of its data."""
    gql_store.load_dataset(
        f"<{BASE}graph/test-bare> {{ <{BASE}municipality/999> a <{BG}Municipality> ; "
        f'<{BG}kommunekode> "999" . }}'.encode(),
        "application/trig",
    )
    body = gql_client.post(
        "/graphql",
        json={
            "query": '{ a: municipality(code: "999") { code name } b: municipality(code: "410") { name } }'
        },
    ).json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INCOMPLETE_DATA" and error["path"] == ["a", "name"]
    assert "non-nullable field Municipality.name" in error["message"]
    assert body["data"] == {"a": None, "b": {"name": "Middelfart"}}
