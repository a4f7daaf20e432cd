"""The GraphQL API over HTTP (httpx against the ASGI app), on the embedded and remote stores."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from beskgraph.api.graphql.ids import encode_id
from beskgraph.api.graphql.limits import MAX_DEPTH, MAX_PAGE_SIZE
from tests.support.graphql import BASE, BG, data, errors, run

# fixtures shared with the other GraphQL suites

MIDDELFART = f"{BASE}intervention/410-skaerpet-fokus-paa-langtidsledighed-ved-24-ugers-ledighed"

INTERVENTION_TESTS = """
query ($code: String) {
  municipality(code: $code) {
    name
    interventions { totalCount nodes {
      title
      evidenceTest { testKind score computedScore assessments { nodes { answer threshold inferred } } }
      goodPracticeTest { testKind score assessments { nodes { answer threshold inferred } } }
    } }
  }
}"""


def _answers(test: dict) -> list[str]:
    return [a["answer"] for a in test["assessments"]["nodes"]]


def test_municipality_list_has_98_entries(gql_client: TestClient) -> None:
    result = data(gql_client, "{ municipalities(first: 5) { totalCount nodes { code name } } }")
    assert result["municipalities"]["totalCount"] == 98
    assert [n["code"] for n in result["municipalities"]["nodes"]] == ["101", "147", "151", "153", "155"]


def test_middelfart_evidence_test(gql_client: TestClient) -> None:
    municipality = data(gql_client, INTERVENTION_TESTS, {"code": "410"})["municipality"]
    assert municipality["name"] == "Middelfart"
    [card] = municipality["interventions"]["nodes"]
    evidence = card["evidenceTest"]
    assert (evidence["testKind"], evidence["score"]) == ("EVIDENCE", 4.3)
    assert sorted(_answers(evidence)) == ["PARTIAL"] * 2 + ["YES"] * 5


def test_taarnby_has_threshold_6_and_skanderborg_one_inferred_no(gql_client: TestClient) -> None:
    taarnby = data(gql_client, INTERVENTION_TESTS, {"code": "185"})["municipality"]
    thresholds = {
        a["threshold"]
        for card in taarnby["interventions"]["nodes"]
        for test in (card["evidenceTest"], card["goodPracticeTest"])
        for a in test["assessments"]["nodes"]
    }
    assert 6 in thresholds
    skanderborg = data(gql_client, INTERVENTION_TESTS, {"code": "746"})["municipality"]
    inferred = [
        a["answer"]
        for card in skanderborg["interventions"]["nodes"]
        for a in card["goodPracticeTest"]["assessments"]["nodes"]
        if a["inferred"]
    ]
    assert inferred == ["NO"]


def test_criterion_mindst_30_minutter(gql_client: TestClient) -> None:
    query = """{ criteria(filter: {text: "mindst 30 minutter"}) { nodes { id statement testKind
        assessments { totalCount nodes { answer intervention { municipality { code } } } } } } }"""
    [criterion] = data(gql_client, query)["criteria"]["nodes"]
    assert criterion["testKind"] == "EVIDENCE"
    assessments = criterion["assessments"]
    assert assessments["totalCount"] == 3
    assert {a["answer"] for a in assessments["nodes"]} == {"YES"}
    codes = sorted(a["intervention"]["municipality"]["code"] for a in assessments["nodes"])
    assert codes == ["326", "410", "746"]
    # the same criterion by ID, its assessments paged one at a time with nested cursors
    page_query = """query ($id: ID!, $after: String) { criterion(id: $id) {
        assessments(first: 1, after: $after) { pageInfo { hasNextPage endCursor } nodes { iri } } } }"""
    seen, after = [], None
    while True:
        page = data(gql_client, page_query, {"id": criterion["id"], "after": after})
        connection = page["criterion"]["assessments"]
        seen += [n["iri"] for n in connection["nodes"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 3


@pytest.mark.parametrize(("direction", "expected"), [("DESC", ["410", "185"]), ("ASC", ["185", "410"])])
def test_filter_min_evidence_score_ordered_by_score(
    gql_client: TestClient, direction: str, expected: list[str]
) -> None:
    query = """query ($direction: Direction!) { interventions(
        filter: {minScore: [{testKind: EVIDENCE, score: 3.0}]},
        orderBy: {field: SCORE, direction: $direction, testKind: EVIDENCE}) {
        totalCount nodes { municipality { code name } evidenceTest { score } } } }"""
    result = data(gql_client, query, {"direction": direction})["interventions"]
    assert [n["municipality"]["code"] for n in result["nodes"]] == expected
    assert result["totalCount"] == 2
    scores = [n["evidenceTest"]["score"] for n in result["nodes"]]
    assert scores == sorted(scores, reverse=direction == "DESC")
    assert all(score >= 3.0 for score in scores)


def test_intervention_filters(gql_client: TestClient) -> None:
    def codes(filter_: str) -> list[str]:
        query = f"{{ interventions(filter: {filter_}, orderBy: {{field: TITLE}}) {{ nodes {{ municipality {{ code }} }} }} }}"
        return sorted(n["municipality"]["code"] for n in data(gql_client, query)["interventions"]["nodes"])

    everything = codes("{}")
    assert len(everything) == 4
    assert codes('{municipality: "410"}') == ["410"]
    assert codes('{text: "langtidsledighed"}') == ["410"]
    group = encode_id("TargetGroup", f"{BASE}target-group/6-1-dagpengemodtagere")
    with_group = codes(f'{{targetGroup: "{group}"}}')
    assert with_group and set(with_group) <= set(everything)
    provision = f"{BASE}provision/2019-548/p6/nr1"
    assert codes(f'{{legalProvision: "{provision}"}}') == with_group


def test_criteria_filter_by_test_kind(gql_client: TestClient) -> None:
    query = """{ e: criteria(filter: {testKind: EVIDENCE}) { totalCount nodes { testKind } }
                 g: criteria(filter: {testKind: GOOD_PRACTICE}) { totalCount }
                 all: criteria { totalCount } }"""
    result = data(gql_client, query)
    assert {n["testKind"] for n in result["e"]["nodes"]} == {"EVIDENCE"}
    assert result["e"]["totalCount"] + result["g"]["totalCount"] == result["all"]["totalCount"] > 0


def _page_through(client: TestClient, size: int) -> list[str]:
    query = """query ($after: String, $size: Int) { municipalities(first: $size, after: $after) {
        pageInfo { hasNextPage endCursor } edges { cursor node { code } } } }"""
    codes, after = [], None
    while True:
        connection = data(client, query, {"after": after, "size": size})["municipalities"]
        codes += [edge["node"]["code"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return codes
        after = connection["pageInfo"]["endCursor"]


def test_keyset_pagination_visits_every_municipality_once(gql_client: TestClient) -> None:
    codes = _page_through(gql_client, 10)
    assert len(codes) == len(set(codes)) == 98
    assert codes == sorted(codes)


def test_backward_pagination_mirrors_forward(gql_client: TestClient) -> None:
    forward = data(gql_client, "{ municipalities(first: 12) { edges { cursor node { code } } } }")
    edges = forward["municipalities"]["edges"]
    query = """query ($before: String) { municipalities(last: 5, before: $before) {
        pageInfo { hasPreviousPage hasNextPage } nodes { code } } }"""
    back = data(gql_client, query, {"before": edges[11]["cursor"]})["municipalities"]
    assert [n["code"] for n in back["nodes"]] == [e["node"]["code"] for e in edges[6:11]]
    assert back["pageInfo"] == {"hasPreviousPage": True, "hasNextPage": True}


def test_node_and_lookup_by_id(gql_client: TestClient) -> None:
    card = data(gql_client, "query ($id: ID!) { intervention(id: $id) { id iri title } }", {"id": MIDDELFART})
    assert card["intervention"]["iri"] == MIDDELFART
    node = data(
        gql_client,
        "query ($id: ID!) { node(id: $id) { __typename iri ... on Intervention { title } } }",
        {"id": card["intervention"]["id"]},
    )["node"]
    assert node == {"__typename": "Intervention", "iri": MIDDELFART, "title": card["intervention"]["title"]}
    missing = encode_id("Intervention", f"{BASE}intervention/nowhere")
    assert data(gql_client, "query ($id: ID!) { node(id: $id) { iri } }", {"id": missing})["node"] is None
    [error] = errors(gql_client, '{ node(id: "%%%") { iri } }')
    assert error["extensions"]["code"] == "BAD_ID"


def test_municipality_by_name_and_fields(gql_client: TestClient) -> None:
    query = '{ municipality(name: "Middelfart") { id code region { name } wikidata interventions { nodes { iri } } } }'
    municipality = data(gql_client, query)["municipality"]
    assert municipality["code"] == "410"
    assert municipality["region"]["name"] == "Region Syddanmark"
    assert municipality["interventions"]["nodes"] == [{"iri": MIDDELFART}]


def test_source_spans_and_target_groups(gql_client: TestClient) -> None:
    query = """query ($id: ID!) { intervention(id: $id) { title document { name }
        source { document { name } start end text }
        targetGroups { label targetGroupKind notation legalProvision { citation eli } }
        evidenceTest { scope assessments { nodes { text source { text } } } } } }"""
    card = data(gql_client, query, {"id": MIDDELFART})["intervention"]
    assert card["source"]["text"] == card["title"]
    assert card["source"]["document"] == card["document"] == {"name": "000_2ad044e4a048410a.txt"}
    assert card["source"]["end"] - card["source"]["start"] == len(card["title"])
    legal = [g for g in card["targetGroups"] if g["targetGroupKind"] == "LEGAL"]
    assert legal and legal[0]["legalProvision"]["citation"] == "§ 6, nr. 1"
    assert legal[0]["legalProvision"]["eli"].startswith("https://www.retsinformation.dk/eli/lta/")
    first = card["evidenceTest"]["assessments"]["nodes"][0]
    assert first["source"]["text"].startswith("I mindst 9 ud af 10")


def test_search(gql_client: TestClient) -> None:
    result = data(gql_client, '{ search(text: "Middelfart") { totalCount nodes { __typename iri } } }')[
        "search"
    ]
    assert {n["__typename"] for n in result["nodes"]} >= {"Municipality"}
    assert result["totalCount"] == len(result["nodes"])


def test_letters_query_runs_against_the_mapped_vocabulary(gql_client: TestClient) -> None:
    query = """{ letters(filter: {dateFrom: "2018-01-01", municipality: "410"}, orderBy: {field: DATE, direction: DESC}) {
        totalCount nodes { date subject sender { name } recipients { name } commitments { nodes { text deadline } } } } }"""
    result = data(gql_client, query)["letters"]
    assert result["totalCount"] == len(result["nodes"])


BROENDBY_REPLY = f"{BASE}letter/2018-07-05-broendby-til-beskaeftigelsesministeriet"

LETTER_PARTIES = """query ($id: ID!) { letter(id: $id) {
    sender { id name partyKind municipality { code } }
    recipients { name partyKind }
    signatories { name partyKind role organisation { name partyKind } }
    mentions { __typename ... on Municipality { code } ... on Party { name partyKind } ... on Software { name } }
    mentionsInText(first: 50) { totalCount nodes { surfaceForm source { text document { name } } about { __typename } } }
} }"""


def test_letter_parties_have_names_and_kinds(gql_client: TestClient) -> None:
    letter = data(gql_client, LETTER_PARTIES, {"id": encode_id("Letter", BROENDBY_REPLY)})["letter"]
    assert letter["sender"]["name"] == "Brøndby"
    assert letter["sender"]["partyKind"] == "MUNICIPALITY"
    assert letter["sender"]["municipality"] == {"code": "153"}
    recipients = {(r["partyKind"], r["name"]) for r in letter["recipients"]}
    assert {("ORGANISATION", "Beskæftigelsesministeriet"), ("PERSON", "Troels Lund Poulsen")} <= recipients
    assert {kind for kind, _ in recipients} == {"ORGANISATION", "POST", "PERSON"}
    by_sender = data(gql_client, '{ letters(filter: {sender: "brøndby"}) { nodes { iri } } }')["letters"]
    assert BROENDBY_REPLY in {n["iri"] for n in by_sender["nodes"]}
    every = data(gql_client, "{ letters(first: 100) { nodes { sender { name } recipients { name } } } }")
    parties = [p for n in every["letters"]["nodes"] for p in [n["sender"], *n["recipients"]] if p]
    assert len(parties) > 20 and all(p["name"] for p in parties)


def test_letter_mentions_municipalities_organisations_and_systems(gql_client: TestClient) -> None:
    letter = data(gql_client, LETTER_PARTIES, {"id": encode_id("Letter", BROENDBY_REPLY)})["letter"]
    mentioned = {
        (m["__typename"], m.get("code") or m.get("name"), m.get("partyKind")) for m in letter["mentions"]
    }
    assert ("Municipality", "153", "MUNICIPALITY") in mentioned
    assert ("Software", "Jobnet", None) in mentioned
    assert ("Organisation", "Jobcenter Brøndby", "ORGANISATION") in mentioned
    in_text = letter["mentionsInText"]
    assert in_text["totalCount"] == len(in_text["nodes"]) >= len(letter["mentions"])
    for mention in in_text["nodes"]:
        assert mention["source"]["text"] == mention["surfaceForm"]
        assert mention["source"]["document"] == {"name": "003_aec37f0f2b66ca76.txt"}
    assert {m["about"]["__typename"] for m in in_text["nodes"]} == {
        "Municipality",
        "Organisation",
        "Software",
    }


def test_a_mentioned_organisation_is_a_node(gql_client: TestClient) -> None:
    letter = data(gql_client, LETTER_PARTIES, {"id": encode_id("Letter", BROENDBY_REPLY)})["letter"]
    party = data(
        gql_client,
        "query ($id: ID!) { node(id: $id) { __typename ... on Party { name partyKind } } }",
        {"id": letter["sender"]["id"]},
    )["node"]
    assert party == {"__typename": "Municipality", "name": "Brøndby", "partyKind": "MUNICIPALITY"}
    software = data(
        gql_client, "{ letters(first: 100) { nodes { mentions { ... on Software { id name } } } } }"
    )
    systems = {m["name"]: m["id"] for n in software["letters"]["nodes"] for m in n["mentions"] if m}
    assert {"Jobnet", "Min Plan", "Workbase"} <= set(systems)
    found = data(
        gql_client,
        """query ($id: ID!) { node(id: $id) { ... on Software {
        name mentionedIn { totalCount nodes { iri } } } } }""",
        {"id": systems["Min Plan"]},
    )["node"]
    assert found["name"] == "Min Plan" and found["mentionedIn"]["totalCount"] == 2
    assert BROENDBY_REPLY in {n["iri"] for n in found["mentionedIn"]["nodes"]}


# ---------------------------------------------------------------------------
# No N+1, explain


COUNTS = """{ municipalities(first: 100) { nodes { code interventions { %s } } } }"""


def test_a_nested_count_alone_is_an_aggregate_or_one_grouped_count(gql_client: TestClient) -> None:
    only = run(gql_client, COUNTS % "totalCount", explain=True)
    full = run(gql_client, COUNTS % "totalCount nodes { iri }", explain=True)
    counts = {m["code"]: m["interventions"]["totalCount"] for m in only["data"]["municipalities"]["nodes"]}
    listed = {m["code"]: len(m["interventions"]["nodes"]) for m in full["data"]["municipalities"]["nodes"]}
    assert counts == listed and counts["410"] == 1 and sum(counts.values()) == 4
    # the aggregates count every municipality's interventions: no query reads them
    assert not any(f"^<{BG}municipality>" in q for q in only["extensions"]["explain"]["sparql"])
    # a filtered count has no aggregate: one grouped count for every municipality
    filtered = (COUNTS % "totalCount").replace(
        "interventions {", "interventions(filter: {minScore: [{testKind: EVIDENCE, score: 0}]}) {"
    )
    grouped = run(gql_client, filtered, explain=True)
    assert {
        m["code"]: m["interventions"]["totalCount"] for m in grouped["data"]["municipalities"]["nodes"]
    } == counts
    assert sum("GROUP BY ?parent" in q for q in grouped["extensions"]["explain"]["sparql"]) == 1
    assert not any("GROUP BY ?parent" in q for q in full["extensions"]["explain"]["sparql"])
    # a fragment is not looked into: the connection is built as usual
    fragment = COUNTS % "...on InterventionConnection { totalCount }"
    assert data(gql_client, fragment)["municipalities"] == only["data"]["municipalities"]


def test_explain_returns_the_sparql(gql_client: TestClient) -> None:
    query = '{ municipality(code: "410") { name } }'
    explained = gql_client.post(
        "/graphql", json={"query": query}, headers={"X-Beskgraph-Explain": "1"}
    ).json()
    sparql = explained["extensions"]["explain"]["sparql"]
    assert len(sparql) == 2 and all("SELECT" in q for q in sparql)
    assert '"410"' in sparql[0]
    plain = gql_client.post("/graphql", json={"query": query}).json()
    assert "explain" not in plain["extensions"]
    assert plain["extensions"]["cost"]["requested"] == 2  # every response states its cost


# ---------------------------------------------------------------------------
# Limits


def test_page_size_limit(gql_client: TestClient) -> None:
    [error] = errors(gql_client, f"{{ municipalities(first: {MAX_PAGE_SIZE + 1}) {{ totalCount }} }}")
    assert error["extensions"]["code"] == "BAD_PAGE_ARGUMENTS"
    assert error["path"] == ["municipalities"]


def test_depth_alias_and_token_limits(gql_client: TestClient) -> None:
    levels = MAX_DEPTH // 3 + 1
    deep = (
        "{ criteria { nodes { "
        + "assessments { nodes { criterion { " * levels
        + "statement"
        + " } } }" * levels
        + " } } }"
    )
    assert "exceeds maximum operation depth" in errors(gql_client, deep)[0]["message"]
    aliases = "{ " + " ".join(f"a{i}: __typename" for i in range(40)) + " }"
    assert "aliases" in errors(gql_client, aliases)[0]["message"]
    tokens = "{ " + " ".join("__typename" for _ in range(2100)) + " }"
    assert "token" in errors(gql_client, tokens)[0]["message"].lower()


def test_bad_cursor_is_a_graphql_error(gql_client: TestClient) -> None:
    [error] = errors(gql_client, '{ municipalities(after: "not-a-cursor") { totalCount } }')
    assert error["extensions"]["code"] == "BAD_CURSOR"


def test_connections_of_one_relation_at_one_level_share_a_query(gql_client: TestClient) -> None:
    """Both tests' assessments of every card: one query for the relation, one for the records."""
    body = run(gql_client, INTERVENTION_TESTS, {"code": "185"}, explain=True)
    sparql = body["extensions"]["explain"]["sparql"]
    relation = [q for q in sparql if f"?parent <{BG}assessment> ?s" in q]
    assert len(relation) == 1
    cards = body["data"]["municipality"]["interventions"]["nodes"]
    assert all(
        card["evidenceTest"]["assessments"]["nodes"] and card["goodPracticeTest"]["assessments"]["nodes"]
        for card in cards
    )
    assert len(sparql) <= 8
