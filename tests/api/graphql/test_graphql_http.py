"""GraphQL over HTTP: media types, status codes, GraphiQL, a live uvicorn with gql, the audit."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable

import pytest
from gql import Client, gql
from gql.transport.httpx import HTTPXTransport
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bench.loopback import free_port
from beskgraph.store import EmbeddedStore, Store, open_store
from tests.support.graphql import graphql_app
from tests.support.paths import TESTS

AUDIT_DIR = TESTS / "graphql-http"
GRAPHQL_RESPONSE = "application/graphql-response+json"
QUERY = '{ municipality(code: "410") { name } }'


@pytest.fixture(scope="module")
def seeded_client(seed_trig: bytes) -> TestClient:
    """The ASGI app on an embedded store with the seeds (HTTP behaviour is store-independent)."""
    store = EmbeddedStore()
    store.load_dataset(seed_trig, "application/trig")
    return TestClient(graphql_app(store))


def test_get_and_post_answer_the_same(seeded_client: TestClient) -> None:
    by_get = seeded_client.get("/graphql", params={"query": QUERY})
    by_post = seeded_client.post("/graphql", json={"query": QUERY})
    assert by_get.status_code == by_post.status_code == 200
    assert by_get.headers["content-type"].startswith("application/json")
    assert by_get.json() == by_post.json()
    assert by_get.json()["data"] == {"municipality": {"name": "Middelfart"}}
    assert by_get.json()["extensions"]["cost"]["requested"] == 2  # every response states its cost


def test_graphql_response_media_type_and_variables_on_get(seeded_client: TestClient) -> None:
    response = seeded_client.get(
        "/graphql",
        params={
            "query": "query ($c: String) { municipality(code: $c) { code } }",
            "variables": json.dumps({"c": "185"}),
        },
        headers={"accept": GRAPHQL_RESPONSE},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert response.json()["data"]["municipality"]["code"] == "185"


@pytest.mark.parametrize(
    ("accept", "status", "has_data"),
    [(GRAPHQL_RESPONSE, 400, False), ("application/json", 200, False)],
)
def test_validation_error_status_depends_on_media_type(
    seeded_client: TestClient, accept: str, status: int, has_data: bool
) -> None:
    response = seeded_client.post("/graphql", json={"query": "{ noSuchField }"}, headers={"accept": accept})
    assert response.status_code == status
    body = response.json()
    assert ("data" in body) is has_data
    assert "noSuchField" in body["errors"][0]["message"]


def test_field_error_keeps_200_and_partial_data(seeded_client: TestClient) -> None:
    response = seeded_client.post(
        "/graphql",
        json={
            "query": '{ a: municipality(code: "410") { name } b: municipalities(after: "junk") { totalCount } }'
        },
        headers={"accept": GRAPHQL_RESPONSE},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None or body["data"].get("a") == {"name": "Middelfart"}
    assert body["errors"][0]["path"] == ["b"]


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"content": b'{"query": "{ __typename', "headers": {"content-type": "application/json"}}, 400),
        ({"json": {"qeury": "{ __typename }"}}, 400),
        ({"json": {"query": "{ __typename }", "variables": "nope"}}, 400),
        ({"json": ["not", "a", "map"]}, 400),
        ({"content": b"query=x", "headers": {"content-type": "text/plain"}}, 415),
    ],
)
def test_bad_requests(seeded_client: TestClient, kwargs: dict, status: int) -> None:
    response = seeded_client.post("/graphql", **kwargs)
    assert response.status_code == status
    assert response.json()["errors"][0]["message"]


def test_mutation_over_get_is_405_and_unacceptable_accept_is_406(seeded_client: TestClient) -> None:
    response = seeded_client.get("/graphql", params={"query": "mutation { x }"})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert (
        seeded_client.post("/graphql", json={"query": QUERY}, headers={"accept": "image/png"}).status_code
        == 406
    )
    not_json = seeded_client.post(
        "/graphql", json={"query": QUERY}, headers={"accept": "application/json;q=0, */*"}
    )
    assert not_json.headers["content-type"].startswith(GRAPHQL_RESPONSE)  # q=0 refuses JSON
    neither = f"application/json;q=0, {GRAPHQL_RESPONSE};q=0, */*"
    assert (
        seeded_client.post("/graphql", json={"query": QUERY}, headers={"accept": neither}).status_code == 406
    )


def test_store_down_is_503_with_a_clear_error() -> None:
    store = open_store(f"http://127.0.0.1:{free_port()}", retries=0)  # nothing listens there
    with TestClient(graphql_app(store)) as client:
        strict = client.post("/graphql", json={"query": QUERY}, headers={"accept": GRAPHQL_RESPONSE})
        lenient = client.post("/graphql", json={"query": QUERY})
    assert strict.status_code == 503
    assert "data" not in strict.json()
    [error] = strict.json()["errors"]
    assert error["extensions"]["code"] == "STORE_UNAVAILABLE"
    assert "unavailable" in error["message"]
    assert lenient.status_code == 200
    assert lenient.json()["errors"][0]["extensions"]["code"] == "STORE_UNAVAILABLE"


def test_graphiql_is_served_with_local_assets(seeded_client: TestClient) -> None:
    page = seeded_client.get("/graphql", headers={"accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(assets) == 4
    for asset in assets:
        assert asset.startswith("/graphql/static/"), asset
        response = seeded_client.get(asset)
        assert response.status_code == 200 and len(response.content) > 1000, asset
    assert "https://" not in page.text.replace("https://w3id.org", "")


# ---------------------------------------------------------------------------
# A real server on loopback


@pytest.fixture
def live_url(serve_app: Callable[[Starlette], str], gql_store: Store) -> str:
    return serve_app(graphql_app(gql_store)) + "/graphql"


def test_live_server_with_gql_client(live_url: str) -> None:
    transport = HTTPXTransport(url=live_url, timeout=30)
    with Client(transport=transport, fetch_schema_from_transport=True) as session:
        assert session.client.schema is not None
        assert {"Municipality", "Intervention", "Letter", "Node"} <= set(session.client.schema.type_map)
        result = session.execute(
            gql("""{ municipality(code: "410") { name interventions { nodes {
            title evidenceTest { score assessments { nodes { answer criterion { testKind } } } } } } } }""")
        )
    [card] = result["municipality"]["interventions"]["nodes"]
    answers = [a["answer"] for a in card["evidenceTest"]["assessments"]["nodes"]]
    assert (card["evidenceTest"]["score"], answers.count("YES"), answers.count("PARTIAL")) == (4.3, 5, 2)
    assert {a["criterion"]["testKind"] for a in card["evidenceTest"]["assessments"]["nodes"]} == {"EVIDENCE"}


def test_graphql_http_audit(serve_app: Callable[[Starlette], str], seeded_client: TestClient) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed; the graphql-http audit needs Node.js >= 18")
    if not (AUDIT_DIR / "node_modules" / "graphql-http").is_dir():
        pytest.skip(f"graphql-http is not installed: run `npm ci --prefix {AUDIT_DIR}`")
    url = serve_app(seeded_client.app) + "/graphql"
    run = subprocess.run([node, "audit.mjs", url], cwd=AUDIT_DIR, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert len(results) > 30
    failures = {r["id"]: f"{r['name']}: {r['reason']}" for r in results if r["status"] != "ok"}
    for audit_id, text in failures.items():
        print(f"graphql-http audit {audit_id} not passed: {text}")  # SHOULD/MAY, shown with -s
    must = [r for r in results if r["status"] == "error"]
    assert must == [], must
    assert not [r for r in results if r["status"] == "warn"], failures
