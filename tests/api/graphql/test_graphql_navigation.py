"""What a dashboard navigates: top-level lists of every kind, back-links, one ID per node, the
spans behind single fields, letters' filters, and predictable edges (lookups, cursors, search).
Embedded and remote store alike."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from beskgraph.api.graphql.ids import encode_id
from beskgraph.api.graphql.registry import TYPES
from beskgraph.store import Store
from tests.support.graphql import BASE, BG, data, errors

BROENDBY_REPLY = f"{BASE}letter/2018-07-05-broendby-til-beskaeftigelsesministeriet"
RUDERSDAL_REPLY = f"{BASE}letter/2018-07-09-rudersdal-til-beskaeftigelsesministeriet"


def _ordered(values: list, reverse: bool = False) -> bool:
    return values == sorted(values, reverse=reverse)


# ---------------------------------------------------------------------------
# Top-level lists


def test_commitments_by_deadline_with_their_municipality_and_letter(gql_client: TestClient) -> None:
    query = """{ all: commitments(first: 100) { totalCount nodes { deadline municipality { code } letter { date } } }
      brondby: commitments(filter: {municipality: "153"}) { totalCount nodes { text municipality { code } } }
      late: commitments(filter: {deadlineFrom: "2019-01-01"}, orderBy: {field: DEADLINE, direction: DESC}) {
        nodes { deadline } } }"""
    result = data(gql_client, query)
    every = result["all"]["nodes"]
    assert result["all"]["totalCount"] == len(every) == 16
    assert _ordered([c["deadline"] for c in every])
    assert all(c["letter"]["date"] and c["municipality"]["code"] for c in every)
    assert result["brondby"]["totalCount"] >= 1
    assert {c["municipality"]["code"] for c in result["brondby"]["nodes"]} == {"153"}
    late = [c["deadline"] for c in result["late"]["nodes"]]
    assert late and all(d >= "2019-01-01" for d in late) and _ordered(late, reverse=True)


def test_initiatives_of_a_letter_in_its_order_and_of_a_municipality_by_title(gql_client: TestClient) -> None:
    query = """query ($letter: ID!) {
      inLetter: initiatives(filter: {letter: $letter}, orderBy: {field: POSITION}) { nodes { position title } }
      ofMunicipality: initiatives(filter: {municipality: "230"}) { totalCount nodes { title letter { iri } } } }"""
    result = data(gql_client, query, {"letter": encode_id("Letter", RUDERSDAL_REPLY)})
    assert [i["position"] for i in result["inLetter"]["nodes"]] == [1, 2, 3, 4]
    titles = [i["title"] for i in result["ofMunicipality"]["nodes"]]
    assert result["ofMunicipality"]["totalCount"] == 4 and _ordered(titles)
    assert {i["letter"]["iri"] for i in result["ofMunicipality"]["nodes"]} == {RUDERSDAL_REPLY}


def test_assessments_make_a_criterion_by_municipality_matrix(gql_client: TestClient) -> None:
    query = """{ assessments(first: 100, filter: {testKind: EVIDENCE}) { totalCount nodes {
        answer criterion { id testKind } intervention { municipality { code } } } }
      no: assessments(filter: {answer: [NO], municipality: "746"}) { totalCount nodes { answer
        intervention { municipality { code } } } } }"""
    result = data(gql_client, query)
    cells = result["assessments"]["nodes"]
    assert result["assessments"]["totalCount"] == len(cells) > 20
    assert {c["criterion"]["testKind"] for c in cells} == {"EVIDENCE"}
    matrix = {(c["criterion"]["id"], c["intervention"]["municipality"]["code"]) for c in cells}
    assert len({code for _, code in matrix}) == 4
    nos = result["no"]["nodes"]
    assert result["no"]["totalCount"] == len(nos) >= 1
    assert {(a["answer"], a["intervention"]["municipality"]["code"]) for a in nos} == {("NO", "746")}


def test_parties_by_kind_and_name_with_the_letters_they_sent_received_and_signed(
    gql_client: TestClient,
) -> None:
    query = """{ people: parties(first: 100, filter: {partyKind: [PERSON]}) { totalCount nodes {
        __typename name partyKind ... on Person { role } lettersSigned { totalCount nodes { iri } } } }
      ministry: parties(filter: {name: "BESKÆFTIGELSESMINISTERIET"}) { nodes { __typename name
        lettersReceived { totalCount } lettersSent { totalCount } } }
      everyone: parties { totalCount } posts: parties(first: 100, filter: {partyKind: [POST]}) { totalCount
        nodes { __typename partyKind ... on Post { postIn { name } municipality { code } role } } }
      units: parties(filter: {partyKind: [UNIT, ORGANISATION]}) { totalCount } }"""
    result = data(gql_client, query)
    people = result["people"]["nodes"]
    assert result["people"]["totalCount"] == len(people) == 7
    assert {p["__typename"] for p in people} == {"Person"} and _ordered([p["name"] for p in people])
    signed = {p["name"]: p for p in people}
    assert signed["Jens Ive"]["role"] == "borgmester"
    assert RUDERSDAL_REPLY in {n["iri"] for n in signed["Jens Ive"]["lettersSigned"]["nodes"]}
    [ministry] = [p for p in result["ministry"]["nodes"] if p["name"] == "Beskæftigelsesministeriet"]
    assert ministry["__typename"] == "Organisation"
    assert ministry["lettersReceived"]["totalCount"] >= 5 and ministry["lettersSent"]["totalCount"] >= 5
    posts = result["posts"]["nodes"]
    assert result["posts"]["totalCount"] == len(posts) == 19
    assert {(p["__typename"], p["partyKind"]) for p in posts} == {("Post", "POST")}
    assert all(p["postIn"]["name"] for p in posts) and any(p["municipality"] for p in posts)
    assert {p["role"].rsplit("/", 2)[-2] for p in posts} == {"role"} and len({p["role"] for p in posts}) > 3
    assert result["units"]["totalCount"] == 14
    assert result["everyone"]["totalCount"] == 98 + 14 + 19 + 7  # every municipality is a party


def test_regions_and_documents(gql_client: TestClient) -> None:
    query = """{ regions { totalCount nodes { name municipalities(first: 100) { totalCount nodes { code } } } }
      documents { totalCount nodes { name documentKind status readFrom(first: 100) { totalCount
        nodes { __typename } } } }
      cards: documents(filter: {documentKind: [CATALOGUE_CARD]}) { totalCount } }"""
    result = data(gql_client, query)
    regions = result["regions"]["nodes"]
    assert result["regions"]["totalCount"] == 5 and _ordered([r["name"] for r in regions])
    assert sum(r["municipalities"]["totalCount"] for r in regions) == 98
    documents = {d["name"]: d for d in result["documents"]["nodes"]}
    assert len(documents) == result["documents"]["totalCount"] == 5 and result["cards"]["totalCount"] == 4
    letters = documents["003_aec37f0f2b66ca76.txt"]
    assert letters["documentKind"] == "CORRESPONDENCE"
    read = {n["__typename"] for n in letters["readFrom"]["nodes"]}
    assert {"Letter", "Commitment", "Initiative"} <= read
    card = documents["000_2ad044e4a048410a.txt"]
    assert "Intervention" in {n["__typename"] for n in card["readFrom"]["nodes"]}


def test_a_document_by_name_and_what_was_read_from_it_by_type(gql_client: TestClient) -> None:
    query = """{ document(name: "003_aec37f0f2b66ca76.txt") { documentKind
        letters: readFrom(first: 100, filter: {types: [LETTER]}) { totalCount nodes { __typename } } } }"""
    document = data(gql_client, query)["document"]
    assert document["documentKind"] == "CORRESPONDENCE"
    assert document["letters"]["totalCount"] == len(document["letters"]["nodes"]) > 5
    assert {n["__typename"] for n in document["letters"]["nodes"]} == {"Letter"}


# ---------------------------------------------------------------------------
# Back-links and spans


def test_a_provision_links_back_to_what_cites_it(gql_client: TestClient) -> None:
    query = """{ legalProvisions(first: 100) { nodes { citation citedBy { totalCount nodes { __typename
        ... on Letter { legalReferences { citation } } } } targetGroups { label interventions { totalCount } } } } }"""
    provisions = {p["citation"]: p for p in data(gql_client, query)["legalProvisions"]["nodes"]}
    cited = provisions["§ 16a, stk. 1"]["citedBy"]
    assert cited["totalCount"] == 1 and cited["nodes"][0]["__typename"] == "Letter"
    assert "§ 16a, stk. 1" in {r["citation"] for r in cited["nodes"][0]["legalReferences"]}
    [group] = provisions["§ 6, nr. 1"]["targetGroups"]
    assert group["label"] == "Dagpengemodtagere" and group["interventions"]["totalCount"] >= 1


def test_the_spans_behind_single_fields_are_reachable(gql_client: TestClient) -> None:
    query = """{ interventions(first: 100) { nodes { description organisationRequirements
        own: source { forProperty }
        description_: sources(forProperty: "description") { text forProperty }
        byIri: sources(forProperty: "http://purl.org/dc/terms/description") { text }
        every: sources { forProperty start } } } }"""
    cards = data(gql_client, query)["interventions"]["nodes"]
    assert len(cards) == 4
    for card in cards:
        [span] = card["description_"]
        assert span["text"] == card["description"] and span["forProperty"].endswith("/description")
        assert card["byIri"] == [{"text": card["description"]}]
        assert card["own"] == {"forProperty": None}
        every = card["every"]
        assert _ordered([s["start"] for s in every]) and len(every) > 2
        assert {s["forProperty"] for s in every} >= {None, f"{BG}experiences"}


# ---------------------------------------------------------------------------
# Letters


def test_letters_of_a_municipality_mean_the_same_in_the_filter_and_on_the_municipality(
    gql_client: TestClient,
) -> None:
    query = """{ filtered: letters(first: 100, filter: {municipality: "259"}) { totalCount nodes { iri } }
      mentioning: letters(first: 100, filter: {mentions: "259"}) { totalCount nodes { iri } }
      municipality(code: "259") { letters(first: 100) { totalCount nodes { iri municipality { code } } }
        mentionedIn(first: 100) { totalCount nodes { iri } } } }"""
    result = data(gql_client, query)
    own = result["municipality"]["letters"]
    assert result["filtered"]["totalCount"] == own["totalCount"] > 0
    assert {n["iri"] for n in result["filtered"]["nodes"]} == {n["iri"] for n in own["nodes"]}
    assert {n["municipality"]["code"] for n in own["nodes"]} == {"259"}
    mentioned = result["municipality"]["mentionedIn"]
    assert result["mentioning"]["totalCount"] == mentioned["totalCount"] > 0
    assert {n["iri"] for n in result["mentioning"]["nodes"]} == {n["iri"] for n in mentioned["nodes"]}


def test_letters_only_referred_to_are_filtered_apart(gql_client: TestClient) -> None:
    query = """{ all: letters { totalCount }
      referred: letters(first: 100, filter: {referredOnly: true}) { totalCount nodes { referredOnly } }
      held: letters(first: 100, filter: {referredOnly: false}) { totalCount nodes { referredOnly date } } }"""
    result = data(gql_client, query)
    assert result["referred"]["totalCount"] == 17 and result["held"]["totalCount"] == 11
    assert result["referred"]["totalCount"] + result["held"]["totalCount"] == result["all"]["totalCount"]
    assert {n["referredOnly"] for n in result["referred"]["nodes"]} == {True}
    held = result["held"]["nodes"]
    assert {n["referredOnly"] for n in held} == {False} and _ordered([n["date"] for n in held])


# ---------------------------------------------------------------------------
# One ID per node; node(id) for every type


def test_a_municipality_has_one_id_whatever_field_reaches_it(gql_client: TestClient) -> None:
    query = """query ($letter: ID!) { letter(id: $letter) { sender { __typename id } municipality { id }
        mentions { __typename id ... on Municipality { code } } }
      municipality(code: "153") { __typename id } }"""
    result = data(gql_client, query, {"letter": encode_id("Letter", BROENDBY_REPLY)})
    brondby = result["municipality"]
    assert result["letter"]["sender"] == brondby == {"__typename": "Municipality", "id": brondby["id"]}
    assert result["letter"]["municipality"]["id"] == brondby["id"]
    assert brondby["id"] in {m["id"] for m in result["letter"]["mentions"] if m.get("code") == "153"}


def test_node_finds_a_node_of_every_type(gql_client: TestClient, gql_store: Store) -> None:
    found = 0
    for name, info in sorted(TYPES.items()):
        rows = gql_store.select(f"SELECT ?s WHERE {{ ?s a <{info.classes[0]}> }} ORDER BY ?s LIMIT 1")
        if not rows:
            continue
        iri = str(rows[0]["s"])
        node = data(
            gql_client,
            "query ($id: ID!) { node(id: $id) { __typename id iri } }",
            {"id": encode_id(name, iri)},
        )["node"]
        assert node == {"__typename": name, "id": encode_id(name, iri), "iri": iri}
        found += 1
    assert found >= len(TYPES) - 2  # the seeds hold no text of the generic reader
    wrong_type = data(
        gql_client,
        "query ($id: ID!) { node(id: $id) { iri } }",
        {"id": encode_id("Letter", f"{BASE}municipality/410")},
    )
    assert wrong_type["node"] is None
    nodes = data(
        gql_client,
        "query ($ids: [ID!]!) { nodes(ids: $ids) { __typename } }",
        {"ids": [encode_id("Municipality", f"{BASE}municipality/410"), encode_id("Letter", f"{BASE}x")]},
    )
    assert nodes["nodes"] == [{"__typename": "Municipality"}, None]


# ---------------------------------------------------------------------------
# Predictable edges


@pytest.mark.parametrize("name", ["Middelfart", "middelfart", "MIDDELFART", " Middelfart "])
def test_a_municipality_by_name_in_any_case(gql_client: TestClient, name: str) -> None:
    query = "query ($name: String) { municipality(name: $name) { code } }"
    assert data(gql_client, query, {"name": name})["municipality"] == {"code": "410"}


def test_a_cursor_is_refused_under_another_ordering(gql_client: TestClient) -> None:
    by_code = data(gql_client, "{ municipalities(first: 3) { pageInfo { endCursor } } }")
    cursor = by_code["municipalities"]["pageInfo"]["endCursor"]
    same = data(
        gql_client,
        "query ($c: String) { municipalities(first: 2, after: $c) { nodes { code } } }",
        {"c": cursor},
    )
    assert [n["code"] for n in same["municipalities"]["nodes"]] == ["153", "155"]
    for query in (
        "query ($c: String) { municipalities(after: $c, orderBy: {field: NAME}) { totalCount } }",
        "query ($c: String) { municipalities(after: $c, orderBy: {field: CODE, direction: DESC}) "
        "{ nodes { code } } }",
        "query ($c: String) { letters(after: $c) { nodes { iri } } }",
        'query ($c: String) { search(text: "a", after: $c) { nodes { iri } } }',
    ):
        [error] = errors(gql_client, query, {"c": cursor})
        assert error["extensions"]["code"] == "BAD_CURSOR", query
        assert "ordered by" in error["message"]


def test_search_pages_both_ways_takes_types_and_refuses_an_empty_text(gql_client: TestClient) -> None:
    query = """query ($after: String, $before: String, $first: Int, $last: Int) {
      search(text: "samtale", types: [INTERVENTION, LETTER], first: $first, after: $after, last: $last,
             before: $before) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        nodes { __typename iri } edges { score } } }"""
    every = data(gql_client, query, {"first": 100})["search"]
    iris = [n["iri"] for n in every["nodes"]]
    # best first (the search index's ranking), no longer by IRI
    assert every["totalCount"] == len(iris) > 4 and _ordered(
        [e["score"] for e in every["edges"]], reverse=True
    )
    assert {n["__typename"] for n in every["nodes"]} == {"Intervention", "Letter"}
    forward = data(gql_client, query, {"first": 3})["search"]
    second = data(gql_client, query, {"first": 3, "after": forward["pageInfo"]["endCursor"]})["search"]
    assert [n["iri"] for n in forward["nodes"] + second["nodes"]] == iris[:6]
    back = data(gql_client, query, {"last": 2, "before": second["pageInfo"]["endCursor"]})["search"]
    assert [n["iri"] for n in back["nodes"]] == iris[3:5]
    assert back["pageInfo"]["hasPreviousPage"] and back["pageInfo"]["hasNextPage"]
    tail = data(gql_client, query, {"last": 2})["search"]
    assert [n["iri"] for n in tail["nodes"]] == iris[-2:] and not tail["pageInfo"]["hasNextPage"]
    letters_only = data(gql_client, '{ search(text: "samtale", types: [LETTER]) { totalCount } }')["search"]
    assert 0 < letters_only["totalCount"] < every["totalCount"]
    for empty in ("", "   "):
        [error] = errors(gql_client, "query ($t: String!) { search(text: $t) { totalCount } }", {"t": empty})
        assert error["extensions"]["code"] == "BAD_USER_INPUT" and "empty" in error["message"]
