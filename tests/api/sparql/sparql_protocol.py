"""Runner for the W3C SPARQL 1.1 Protocol test manifest (tests/conformance/sparql11-protocol).

``load_manifest()`` reads every mf:ProtocolTest (in manifest order) with rdflib;
``run_test()`` replays its ht:Requests against a live endpoint and returns the
problems found (empty when the test passes).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from tests.support.paths import TESTS

MANIFEST_DIR = TESTS / "conformance" / "sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


@dataclass
class Expected:
    """The expected response of one request."""

    statuses: set[int]  # the hundreds digit allowed: {2, 3} or {4}
    format: str | None = None  # "boolean" | "tabular" | "RDF"
    boolean: bool | None = None


@dataclass
class ProtocolRequest:
    """One ht:Request of a test."""

    method: str
    path: str  # ht:absolutePath with the /sparql/ prefix removed: "?query=..." or ""
    headers: dict[str, str]
    body: bytes | None
    expected: Expected


@dataclass
class ProtocolTest:
    """One mf:ProtocolTest."""

    id: str
    name: str
    requests: list[ProtocolRequest]
    graph_data: list[tuple[Path, str]] = field(default_factory=list)  # (file, graph name)

    @property
    def is_update(self) -> bool:
        """Tests of SPARQL Update (update_*, bad_update_*)."""
        return "update" in self.id


def load_manifest(directory: Path = MANIFEST_DIR) -> list[ProtocolTest]:
    """All protocol tests of the manifest, in manifest order."""
    path = directory / "manifest.ttl"
    g = Graph()
    g.parse(path, format="turtle", publicID=path.as_uri())
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    tests = []
    for node in Collection(g, g.value(manifest, MF.entries)):
        requests = []
        action = g.value(node, MF.action)
        for req in Collection(g, g.value(action, HT.requests)):
            requests.append(_request(g, req))
        graph_data = [
            (directory / Path(str(g.value(gd, UT.graph))).name, str(g.value(gd, RDFS.label)))
            for gd in g.objects(node, UT.graphData)
        ]
        tests.append(
            ProtocolTest(
                id=str(node).rsplit("#", 1)[-1],
                name=str(g.value(node, MF.name)),
                requests=requests,
                graph_data=sorted(graph_data),
            )
        )
    return tests


def _request(g: Graph, req: URIRef) -> ProtocolRequest:
    headers = {}
    header_list = g.value(req, HT.headers)
    if header_list is not None:
        for h in Collection(g, header_list):
            headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
    body_node = g.value(req, HT.body)
    body = None
    if body_node is not None:
        encoding = str(g.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(g.value(body_node, CNT.chars)).encode(encoding)
    resp = g.value(req, HT.resp)
    statuses = {int(str(s).rsplit("StatusCode", 1)[1][0]) for s in g.objects(resp, MF.expectedStatus)}
    fmt = g.value(resp, MF.expectedFormat)
    boolean = g.value(resp, MF.expectedBoolean)
    path = str(g.value(req, HT.absolutePath))
    assert path.startswith("/sparql/"), path
    return ProtocolRequest(
        method=str(g.value(req, HT.methodName)),
        path=path.removeprefix("/sparql/"),
        headers=headers,
        body=body,
        expected=Expected(
            statuses=statuses,
            format=str(fmt) if fmt is not None else None,
            boolean=boolean.toPython() if boolean is not None else None,
        ),
    )


def run_test(test: ProtocolTest, endpoint: str, client: httpx.Client) -> list[str]:
    """Replay a test's requests against ``endpoint`` (…/sparql, no slash); return problems."""
    problems: list[str] = []
    for index, req in enumerate(test.requests):
        response = client.request(req.method, endpoint + req.path, headers=req.headers, content=req.body)
        where = f"request {index + 1} ({req.method} {req.path[:60]!r})"
        if response.status_code // 100 not in req.expected.statuses:
            problems.append(
                f"{where}: status {response.status_code}, expected "
                f"{sorted(req.expected.statuses)}xx; body: {response.text[:300]}"
            )
            break
        problems += [f"{where}: {p}" for p in check_format(response, req.expected)]
    return problems


def check_format(response: httpx.Response, expected: Expected) -> list[str]:
    """Check mf:expectedFormat and mf:expectedBoolean on a response."""
    media = response.headers.get("content-type", "").split(";", 1)[0].strip()
    if expected.format == "boolean":
        if media not in BOOLEAN_TYPES:
            return [f"boolean result in unexpected media type {media!r}"]
        value = parse_boolean(response.content, media)
        if expected.boolean is not None and value is not expected.boolean:
            return [f"boolean result {value}, expected {expected.boolean}"]
    elif expected.format == "tabular":
        if media not in TABULAR_TYPES:
            return [f"tabular result in unexpected media type {media!r}"]
        if media == "application/sparql-results+json":
            json.loads(response.content)["results"]["bindings"]
    elif expected.format == "RDF":
        if media not in RDF_TYPES:
            return [f"RDF result in unexpected media type {media!r}"]
        Graph().parse(data=response.content, format=RDF_TYPES[media])
    return []


def parse_boolean(content: bytes, media: str) -> bool | None:
    """The boolean of a SPARQL JSON/XML ASK result."""
    if media == "application/sparql-results+json":
        return json.loads(content).get("boolean")
    root = ET.fromstring(content)
    for element in root.iter():
        if element.tag.endswith("boolean"):
            return (element.text or "").strip() == "true"
    return None
