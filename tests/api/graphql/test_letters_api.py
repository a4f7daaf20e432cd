"""The API returns what a letter lists in the order the letter gives it (embedded and
remote store)."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.support.graphql import data

RUDERSDAL = """{ letters(filter: {municipality: "230", dateFrom: "2018-07-01"}, orderBy: {field: DATE}) {
    nodes { date referredOnly sender { partyKind name }
            signatories { name role }
            recipients { name partyKind }
            initiatives(first: 20) { nodes { title position } } } } }"""


def test_signatories_recipients_and_initiatives_in_the_order_written(gql_client: TestClient) -> None:
    letters = data(gql_client, RUDERSDAL)["letters"]["nodes"]
    reply = next(lt for lt in letters if lt["date"] == "2018-07-09" and not lt["referredOnly"])
    assert [(s["name"], s["role"]) for s in reply["signatories"]] == [
        ("Jens Ive", "borgmester"),
        ("Birgitte N. Lundgren", "vicekommunaldirektør"),
    ]
    assert [i["title"] for i in reply["initiatives"]["nodes"]] == [
        "Justering af samtaleflowet",
        "Screening af risiko for langtidsledighed",
        "Kursus i jobrettet samtale og virksomhedsrettet indsats",
        "Opfølgning på indsatserne",
    ]
    assert [i["position"] for i in reply["initiatives"]["nodes"]] == [1, 2, 3, 4]
    answer = next(
        lt
        for lt in letters
        if lt["date"] == "2018-08-31" and any(r["partyKind"] == "MUNICIPALITY" for r in lt["recipients"])
    )
    posts = [r["name"] for r in answer["recipients"] if r["partyKind"] == "POST"]
    assert posts == [
        "borgmester, Rudersdal Kommune",
        "beskæftigelsesudvalgsformand, Rudersdal Kommune",
        "jobcenterchef, Rudersdal Kommune",
    ]
    assert answer["recipients"][0]["partyKind"] == "MUNICIPALITY"
