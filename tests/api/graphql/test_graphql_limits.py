"""GraphQL limits as an attacker meets them: document shape, cost, codes, cursors, logs, caches.

Hostile documents come from the attacks of a security review (fragment fan-out, aliases
over nested lists, duplicated fields, deep brackets, bad cursors); each must be refused
with a coded error and one log line, and everything legitimate must still run.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from beskgraph.api.app import create_app
from beskgraph.api.graphql import graphql_routes
from beskgraph.api.graphql.cost import operation_cost
from beskgraph.api.graphql.limits import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_FIELDS,
    MAX_NESTING,
    MAX_QUERY_CHARS,
    Limits,
)
from beskgraph.api.graphql.preparation import DocumentCache, prepare
from beskgraph.api.graphql.schema import schema
from beskgraph.store import EmbeddedStore
from tests.support.paths import ROOT

GRAPHQL_RESPONSE = "application/graphql-response+json"
NESTED = """{ municipalities(first: 100) { nodes { code
    interventions(first: 100) { nodes { title
        evidenceTest { score assessments(first: 10) { nodes { answer criterion { statement } } } } } } } } }"""


@pytest.fixture(scope="module")
def client(seed_trig: bytes) -> Iterator[TestClient]:
    store = EmbeddedStore()
    store.load_dataset(seed_trig, "application/trig")
    with TestClient(create_app(store, extra_routes=graphql_routes(limits=Limits()))) as test_client:
        yield test_client


def post(
    client: TestClient, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables or {}}, **kwargs)
    assert response.headers["content-type"].startswith(("application/json", GRAPHQL_RESPONSE))
    return response.json()


def refusal(client: TestClient, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The only error of a request refused before it ran (no data)."""
    body = post(client, query, variables)
    assert "data" not in body, str(body)[:300]
    [error] = body["errors"]
    return error


def fan_out(levels: int) -> str:
    """Each fragment spreads the one before it twice: 2^levels copies of one field."""
    fragments = ["fragment F0 on Query { __typename }"]
    fragments += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)]
    return f"{{ ...F{levels} }}\n" + "\n".join(fragments)


# ---------------------------------------------------------------------------
# The document


def test_fragment_fan_out_is_refused_for_what_it_expands_to(client: TestClient) -> None:
    error = refusal(client, fan_out(22))  # 1 KB, 4 194 304 copies: 17 s of validation before
    assert error["extensions"] == {"code": "MAX_FIELDS_LIMIT", "limit": MAX_FIELDS, "actual": 2**22}
    assert len(fan_out(22)) < 1100
    small = post(client, fan_out(3))  # 8 copies merge into one field
    assert small["data"] == {"__typename": "Query"}


def test_long_fragment_chains_are_measured_without_recursion(client: TestClient) -> None:
    def chain(length: int) -> str:
        fragments = ["fragment F0 on Query { __typename }"]
        fragments += [f"fragment F{i} on Query {{ ...F{i - 1} }}" for i in range(1, length)]
        return f"{{ ...F{length - 1} }}\n" + "\n".join(fragments)

    assert post(client, chain(40))["data"] == {"__typename": "Query"}
    error = refusal(client, chain(240))  # past graphql-core's own limit on nesting through fragments
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_fragment_cycles_and_unused_fragments_are_refused(client: TestClient) -> None:
    cycle = refusal(client, "{ ...A } fragment A on Query { ...B } fragment B on Query { __typename ...A }")
    assert cycle["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "cycle" in cycle["message"] and "A, B" in cycle["message"]
    unused = refusal(client, "{ __typename } fragment Lost on Query { __typename }")
    assert unused["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED" and "Lost" in unused["message"]


def test_depth_is_counted_through_fragments(client: TestClient) -> None:
    def levels(top: int) -> str:  # each fragment adds three levels (assessments / nodes / criterion)
        fragments = ["fragment L0 on Criterion { statement }"]
        fragments += [
            f"fragment L{i} on Criterion {{ assessments(first: 1) {{ nodes {{ criterion {{ ...L{i - 1} "
            "} } } }"
            for i in range(1, top + 1)
        ]
        return f"{{ criteria(first: 1) {{ nodes {{ ...L{top} }} }} }}\n" + "\n".join(fragments)

    error = refusal(client, levels(5))  # 2 + 15 + 1 levels
    assert error["extensions"] == {"code": "MAX_DEPTH_LIMIT", "limit": MAX_DEPTH, "actual": 18}
    assert "exceeds maximum operation depth" in error["message"]
    assert "errors" not in post(client, levels(4))  # 2 + 12 + 1 = 15 levels


def test_aliases_are_counted_for_every_copy_of_a_fragment(client: TestClient) -> None:
    nested = (
        '{ x: municipality(code: "410") { ...M ...M } } fragment M on Municipality { ...N ...N } '
        "fragment N on Municipality { " + " ".join(f"a{i}: name" for i in range(8)) + " }"
    )
    assert refusal(client, nested)["extensions"] == {
        "code": "MAX_ALIASES_LIMIT",
        "limit": MAX_ALIASES,
        "actual": 1 + 4 * 8,
    }
    fragment = "fragment Ten on Query { " + " ".join(f"a{i}: __typename" for i in range(10)) + " }"
    three = (
        "{ ...Ten ...T2 ...T3 } "
        + fragment
        + "".join(f" fragment T{n} on Query {{ ...Ten }}" for n in (2, 3))
    )
    assert post(client, three)["data"]["a9"] == "Query"
    four = three.replace("...T3 }", "...T3 ...T4 }") + " fragment T4 on Query { ...Ten }"
    assert refusal(client, four)["extensions"] == {
        "code": "MAX_ALIASES_LIMIT",
        "limit": MAX_ALIASES,
        "actual": 40,
    }


def test_the_same_field_many_times_over_is_refused_before_validation(client: TestClient) -> None:
    copies = "{ " + " ".join('municipality(code: "410") { name }' for _ in range(220)) + " }"
    error = refusal(client, copies)
    assert error["extensions"]["code"] == "MAX_OVERLAPS_LIMIT"
    twice = post(client, '{ municipality(code: "410") { name } municipality(code: "410") { name code } }')
    assert twice["data"] == {"municipality": {"name": "Middelfart", "code": "410"}}


def test_deep_brackets_long_texts_many_tokens_and_comments(client: TestClient) -> None:
    deep = refusal(client, "{ m: municipalities(first: " + "[" * 70 + "]" * 70 + ") { totalCount } }")
    assert deep["extensions"] == {"code": "GRAPHQL_PARSE_FAILED", "limit": MAX_NESTING}
    nested = refusal(client, "{ a" * 300 + " }" * 300)  # the parser's own recursion limit
    assert nested["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    long = refusal(client, "{ __typename }" + " " * MAX_QUERY_CHARS)
    assert long["extensions"] == {"code": "GRAPHQL_PARSE_FAILED", "limit": MAX_QUERY_CHARS}
    tokens = refusal(client, "{ " + " ".join("__typename" for _ in range(2100)) + " }")
    assert tokens["extensions"]["code"] == "GRAPHQL_PARSE_FAILED" and "token" in tokens["message"]
    comments = refusal(client, "#\n" * 1500 + "{ __typename }")
    assert comments["extensions"]["code"] == "GRAPHQL_PARSE_FAILED" and "comments" in comments["message"]


# ---------------------------------------------------------------------------
# Cost


def _cost(query: str, variables: dict[str, Any] | None = None) -> int:
    prepared = prepare(schema._schema, query)
    assert not prepared.errors, prepared.errors
    [operation] = [d for d in prepared.document.definitions if d.kind == "operation_definition"]
    return operation_cost(schema._schema, prepared.document, prepared.fragment_order, operation, variables)


def test_cost_is_fields_times_page_sizes() -> None:
    # municipalities 1 + nodes 1 + 100 x (interventions 1 + nodes 1 + 100 x title 1)
    assert _cost(
        "{ municipalities(first: 100) { nodes { interventions(first: 100) { nodes { title } } } } }"
    ) == 1 + 1 + 100 * (1 + 1 + 100)
    # no page size: the default (20); a plain list: 10 items; a fragment costs what it selects
    assert _cost(
        "{ letters { totalCount edges { cursor node { ...R } } } } "
        "fragment R on Letter { recipients { name } }"
    ) == 1 + 1 + 1 + 20 * (1 + 1 + (1 + 10))
    by_variable = "query ($n: Int = 5) { criteria(last: $n) { nodes { statement } } }"
    assert _cost(by_variable) == 1 + 1 + 5
    assert _cost(by_variable, {"n": 50}) == 1 + 1 + 50
    assert _cost(by_variable, {"n": 10**9}) == 1 + 1 + 100  # a page is never larger than 100
    assert _cost(by_variable, {"n": "many"}) == 1 + 1 + 100  # refused later; costed as the maximum


def test_every_response_states_its_cost(client: TestClient) -> None:
    body = post(client, NESTED)
    assert "errors" not in body
    assert body["extensions"]["cost"] == {"requested": 350_302, "limit": Limits().max_cost}


@pytest.mark.parametrize("aliases", [2, 28])
def test_aliases_over_nested_lists_are_too_costly(client: TestClient, aliases: int) -> None:
    query = "{ " + " ".join(f"a{i}: " + NESTED.strip()[1:-1] for i in range(aliases)) + " }"
    error = refusal(client, query)
    assert error["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "cost": aliases * 350_302,
        "limit": Limits().max_cost,
    }


def test_a_short_query_over_four_nested_lists_is_too_costly(client: TestClient) -> None:
    query = (
        "{municipalities(first:100){nodes{interventions(first:100){nodes{tests{assessments{nodes{"
        "criterion{assessments(first:100){nodes{text}}}}}}}}}}}"
    )
    assert len(query) < 232
    error = refusal(client, query)
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] > 100 * Limits().max_cost


def test_introspection_and_the_cost_limit(client: TestClient) -> None:
    from graphql import get_introspection_query

    body = post(client, get_introspection_query(descriptions=True))
    assert "errors" not in body and body["data"]["__schema"]["queryType"]["name"] == "Query"
    cyclic = "{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }"
    assert refusal(client, cyclic)["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"  # graphql-core's rule
    # and the cost model counts introspection lists like any other (10 items each)
    assert _cost("{ __schema { types { fields { type { fields { type { name } } } } } } }") == 1 + 1 + 10 * (
        1 + 10 * (1 + 1 + 10 * (1 + 1))
    )


# ---------------------------------------------------------------------------
# Codes and log lines


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ municipality(code: ", None, "GRAPHQL_PARSE_FAILED"),
        ("{ noSuchField }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("{ municipality(code: 410) { name } }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query ($n: Int!) { criteria(first: $n) { totalCount } }", {"n": "x"}, "BAD_USER_INPUT"),
        ("query ($n: Int!) { criteria(first: $n) { totalCount } }", {}, "BAD_USER_INPUT"),
        ("{ criteria(first: 2, last: 2) { totalCount } }", None, "BAD_PAGE_ARGUMENTS"),
        ('{ node(id: "bm9wZQ") { id } }', None, "BAD_ID"),
        ('{ criteria(before: "x") { totalCount } }', None, "BAD_CURSOR"),
    ],
)
def test_every_error_has_a_code(client: TestClient, query: str, variables: dict | None, code: str) -> None:
    body = post(client, query, variables)
    assert [e["extensions"]["code"] for e in body["errors"]] == [code]


def test_http_level_errors_have_codes_too(client: TestClient) -> None:
    cases = [
        (
            client.post("/graphql", content=b"{", headers={"content-type": "application/json"}),
            400,
            "BAD_REQUEST",
        ),
        (
            client.post("/graphql", content=b"x", headers={"content-type": "text/plain"}),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        (client.get("/graphql", params={"query": "mutation { x }"}), 405, "METHOD_NOT_ALLOWED"),
        (
            client.post("/graphql", json={"query": "{ __typename }"}, headers={"accept": "image/png"}),
            406,
            "NOT_ACCEPTABLE",
        ),
        (
            client.post("/graphql", json={"query": "query A { __typename }", "operationName": "B"}),
            400,
            "OPERATION_RESOLUTION_FAILURE",
        ),
        (
            client.post(
                "/graphql",
                content=b'{"query": "{ __typename }", "variables": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
                headers={"content-type": "application/json"},
            ),
            400,
            "BAD_REQUEST",
        ),
        (
            client.post(
                "/graphql",
                content=b'{"query": "query ($t: String!) { search(text: $t) { totalCount } }",'
                b' "variables": {"t": "\\ud800"}}',
                headers={"content-type": "application/json"},
            ),
            400,
            "BAD_REQUEST",
        ),
    ]
    for response, status, code in cases:
        assert (response.status_code, response.json()["errors"][0]["extensions"]["code"]) == (status, code)


def test_each_client_error_is_one_log_line_without_query_or_traceback(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "y" * 3000
    requests = [
        {"query": '{ municipality(code: "' + secret + '") { name } nope }'},  # validation, 200
        {"query": '{ criteria(after: "' + secret + '") { totalCount } }'},  # field error, 200
        {"query": '{ municipality(code: "' + secret},  # syntax, 400 under graphql-response+json
    ]
    with caplog.at_level(logging.INFO):
        for payload in requests:
            client.post("/graphql", json=payload, headers={"accept": GRAPHQL_RESPONSE})
        assert client.post("/graphql", json={"query": "{ __typename }"}).status_code == 200
    lines = [r for r in caplog.records if r.name.startswith(("beskgraph", "strawberry"))]
    assert [r.levelno for r in lines] == [logging.WARNING] * 3
    for record in lines:
        assert record.exc_info is None and "\n" not in record.getMessage()
        assert secret[:100] not in record.getMessage()
    messages = [r.getMessage() for r in lines]
    assert "GRAPHQL_VALIDATION_FAILED" in messages[0] and "BAD_CURSOR" in messages[1]
    assert messages[2].startswith("refused POST /graphql 400 from testclient: GRAPHQL_PARSE_FAILED")


# ---------------------------------------------------------------------------
# Cursors and arguments, fuzzed

CODES = {"BAD_CURSOR", "BAD_PAGE_ARGUMENTS", "BAD_USER_INPUT", "BAD_ID", "GRAPHQL_VALIDATION_FAILED"}


def _as_cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12,
)
cursors = st.one_of(
    st.text(max_size=60),
    json_values.map(_as_cursor),
    st.tuples(
        st.sampled_from(["Municipality.code:ASC", "Criterion.iri:ASC", "Letter.iri:ASC", "search:ASC"]),
        json_values,
        st.sampled_from(["https://w3id.org/beskgraph/x", "x y", ""]),
    ).map(lambda triple: _as_cursor(list(triple))),
    st.binary(max_size=40).map(lambda raw: base64.urlsafe_b64encode(raw).decode()),
    st.integers(1, 400).map(lambda depth: _as_cursor(json.loads("[" * depth + "]" * depth))),
)


def _fuzzed(client: TestClient, query: str, variables: dict[str, Any]) -> None:
    body = post(client, query, variables)
    for error in body.get("errors", []):
        assert error["extensions"]["code"] in CODES, error
        for python_message in (
            "int too large",
            "Traceback",
            "object has no attribute",
            "not subscriptable",
            "recursion",
            "codec",
        ):
            assert python_message not in error["message"], error


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cursor=cursors,
    field=st.sampled_from(["after", "before"]),
    listing=st.sampled_from(["municipalities", "criteria", "letters", 'search(text: "a", ']),
)
@pytest.mark.integration  # a fuzz search
def test_fuzzed_cursors_get_bad_cursor(client: TestClient, cursor: str, field: str, listing: str) -> None:
    if listing.startswith("search"):
        field = "after"
        query = f"query ($c: String) {{ {listing}{field}: $c) {{ totalCount nodes {{ iri }} }} }}"
    else:
        query = f"query ($c: String) {{ {listing}({field}: $c) {{ totalCount nodes {{ iri }} }} }}"
    _fuzzed(client, query, {"c": cursor})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.integers(-(2**40), 2**40) | st.none(),
    text=st.text(max_size=40),
    ident=st.text(max_size=40),
    code=st.text(max_size=10),
    date=st.text(max_size=12) | st.dates().map(str),
)
@pytest.mark.integration  # a fuzz search
def test_fuzzed_arguments_get_coded_errors(
    client: TestClient, first: int | None, text: str, ident: str, code: str, date: str
) -> None:
    query = """query ($first: Int, $text: String, $id: ID!, $code: String, $date: Date) {
      interventions(first: $first, filter: {text: $text, municipality: $code}) { totalCount nodes { iri } }
      letters(filter: {dateFrom: $date, sender: $text}) { totalCount }
      node(id: $id) { id }
      municipality(code: $code) { name }
      search(text: $text, first: $first) { totalCount }
    }"""
    _fuzzed(client, query, {"first": first, "text": text, "id": ident, "code": code, "date": date})


# ---------------------------------------------------------------------------
# Caches and explain


def test_the_document_cache_is_bounded_in_bytes() -> None:
    cache = DocumentCache(schema._schema, entries=1000, max_bytes=2_000_000)
    fields = "{ " + " ".join("__typename" for _ in range(300)) + " }"  # 300 tokens
    for n in range(40):
        cache.get(fields + f"# {n}\n" + " " * 30_000)  # 30 KB of text each
    assert cache.bytes <= 2_000_000 and 5 <= len(cache) <= 11
    kept = len(cache)
    large = "#\n" * 900 + "{ __typename }"  # 900 comment tokens: over an eighth of the budget
    assert cache.get(large).errors == () and large not in cache._items
    huge = "{ __typename }" + " " * 300_000  # refused, and never kept either
    assert cache.get(huge).errors and huge not in cache._items
    assert len(cache) == kept


def test_explain_output_is_capped(seed_trig: bytes) -> None:
    store = EmbeddedStore()
    store.load_dataset(seed_trig, "application/trig")
    limits = Limits(max_explain_bytes=5000)
    with TestClient(create_app(store, extra_routes=graphql_routes(limits=limits))) as capped:
        text = "ledighed " * 400  # 3.6 KB in every SPARQL query (a sender's name: text goes to the index)
        query = (
            "query ($t: String) { "
            + " ".join(f"a{i}: letters(filter: {{sender: $t}}) {{ totalCount }}" for i in range(10))
            + " }"
        )
        body = capped.post(
            "/graphql", json={"query": query, "variables": {"t": text}, "extensions": {"explain": True}}
        ).json()
    explained = body["extensions"]["explain"]
    assert sum(len(q) for q in explained["sparql"]) <= 5000
    assert explained["omitted"] >= 9 and "5000" in explained["note"]
    assert len(json.dumps(body)) < 10_000


def test_long_string_variables_are_refused(client: TestClient) -> None:
    body = client.post(
        "/graphql",
        json={
            "query": "query ($t: String!) { search(text: $t) { totalCount } }",
            "variables": {"t": "x" * 200_000},
        },
    )
    [error] = body.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "200000" in error["message"]


def test_limits_come_from_the_environment_and_the_readme_states_the_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BESKGRAPH_GRAPHQL_TIMEOUT", "2.5")
    monkeypatch.setenv("BESKGRAPH_GRAPHQL_MAX_COST", "1000")
    limits = Limits.from_env(max_concurrent=2)
    assert (limits.timeout, limits.max_cost, limits.max_concurrent) == (2.5, 1000, 2)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    defaults = Limits()
    for stated in (
        f"past {defaults.max_cost:,}".replace(",", " "),
        f"after {defaults.timeout:g} s",
        f"pass {defaults.max_response_bytes // 1_000_000} MB",
        f"at most {defaults.max_concurrent} run",
        f"depth {MAX_DEPTH}",
        f"{MAX_ALIASES} aliases",
        f"{MAX_FIELDS} fields",
    ):
        assert stated in " ".join(readme.split()), stated
