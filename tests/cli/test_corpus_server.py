"""``python server.py`` with bad and noisy documents next to the seeds: the server starts,
serves every good document, and reports each bad one with its reason in /health and in
GraphQL's ``documents`` list (a real server process, real HTTP)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.loopback import free_port
from beskgraph.config import SEEDS_DIR
from tests.support import http
from tests.support.paths import CORPUS, ROOT

# integration: a ``python server.py`` process
pytestmark = pytest.mark.integration

BG = "https://w3id.org/beskgraph/ontology#"


def serve(*sources: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "server.py"), "--port", str(port), *map(str, sources)],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else "server exited"
            try:
                if http.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "server did not come up"
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    yield from serve(SEEDS_DIR, CORPUS)


def graphql(base: str, query: str) -> dict:
    response = http.post(base + "/graphql", json={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def test_health_counts_documents_and_names_each_left_out_with_its_reason(server: str):
    documents = http.get(server + "/health", timeout=10).json()["documents"]
    assert (documents["ok"], documents["withWarnings"], documents["leftOut"]) == (12, 4, 5)
    reasons = {d["document"]: (d["line"], d["reason"]) for d in documents["leftOutDocuments"]}
    assert reasons == {
        "forkert_utf16.txt": (
            2,
            "starts with a utf-16 byte-order mark but is not utf-16 (illegal UTF-16 surrogate)",
        ),
        "kort_odense_score_7_5.txt": (46, "A test result has one published score in [0, 5]."),
        "kort_vejle_dublet.txt": (
            6,
            "duplicate card: same municipality (Vejle) and title as kort_vejle_crlf.txt; "
            "left out so the two are not merged into one intervention",
        ),
        "scannet_side.txt": (1, "binary data, not text: no character encoding fits"),
        "tom.txt": (1, "empty document"),
    }


def test_graphql_lists_the_documents_that_need_attention_with_their_problems(server: str):
    data = graphql(
        server,
        """{
      attention: documents(filter: {status: [LEFT_OUT, WARNINGS]}) { totalCount }
      leftOut: documents(filter: {status: [LEFT_OUT]}, first: 10) {
        totalCount nodes { name documentKind status problems { severity stage line message focus path } } }
      answers: documents(filter: {documentKind: [PARLIAMENTARY_ANSWER, PRESS_RELEASE, WEB_PAGE, COMMITTEE_LETTER, OTHER]}) {
        nodes { name documentKind status } }
    }""",
    )
    assert data["attention"]["totalCount"] == 9
    left_out = {d["name"]: d for d in data["leftOut"]["nodes"]}
    assert data["leftOut"]["totalCount"] == 5 and set(left_out) == {
        "forkert_utf16.txt",
        "kort_odense_score_7_5.txt",
        "kort_vejle_dublet.txt",
        "scannet_side.txt",
        "tom.txt",
    }
    (problem,) = left_out["kort_odense_score_7_5.txt"]["problems"]
    assert problem == {
        "severity": "VIOLATION",
        "stage": "validate",
        "line": 46,
        "message": "A test result has one published score in [0, 5].",
        "focus": "https://w3id.org/beskgraph/intervention/461-hurtig-afklaring-af-sygemeldte-med-"
        "behov-for-fleksjob/test/good-practice",
        "path": BG + "publishedScore",
    }
    assert left_out["kort_odense_score_7_5.txt"]["documentKind"] == "CATALOGUE_CARD"
    assert left_out["tom.txt"]["documentKind"] is None
    kinds = {d["name"]: (d["documentKind"], d["status"]) for d in data["answers"]["nodes"]}
    assert kinds == {
        "brev_til_beskaeftigelsesudvalget_2023.txt": ("COMMITTEE_LETTER", "OK"),
        "notat_samarbejde_a_kasser_latin1.txt": ("OTHER", "WARNINGS"),
        "pressemeddelelse_langtidsledighed_nordjylland.txt": ("PRESS_RELEASE", "OK"),
        "svar_beu_spoergsmaal_118.txt": ("PARLIAMENTARY_ANSWER", "OK"),
        "webside_star_fleksjob.txt": ("WEB_PAGE", "OK"),
    }


def test_every_good_document_is_served_and_nothing_of_a_bad_one(server: str):
    data = graphql(server, "{ interventions(first: 50) { totalCount nodes { municipality { name } } } }")
    municipalities = sorted(n["municipality"]["name"] for n in data["interventions"]["nodes"])
    assert municipalities == [
        "Aarhus",
        "Fredericia",
        "Horsens",
        "Kalundborg",
        "Kolding",
        "Middelfart",
        "Skanderborg",
        "Tårnby",
        "Vejle",
    ]  # not Odense (7,5), one Vejle (duplicate)
    query = f"SELECT (COUNT(?p) AS ?n) WHERE {{ ?p a <{BG}Publication> }}"
    rows = http.get(server + "/sparql", params={"query": query}, headers={"Accept": "text/csv"}, timeout=10)
    assert rows.text.split() == ["n", "5"]


def test_the_server_starts_even_when_no_document_can_be_used(tmp_path: Path):
    (tmp_path / "tom.txt").write_bytes(b"")
    (tmp_path / "scannet_side.txt").write_bytes((CORPUS / "scannet_side.txt").read_bytes())
    for base in serve(tmp_path):
        documents = http.get(base + "/health", timeout=10).json()["documents"]
        assert (documents["ok"], documents["leftOut"]) == (0, 2)
        data = graphql(base, '{ documents { totalCount } municipality(code: "410") { name } }')
        assert data == {"documents": {"totalCount": 2}, "municipality": {"name": "Middelfart"}}
