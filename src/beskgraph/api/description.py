"""VoID/DCAT dataset description (``/.well-known/void``, ``/description``), the SPARQL
service description's graph, and ``/health``.

Descriptions are built once per store generation (``beskgraph.api.generations``) and
serialised once per media type. No IRI or link in them comes from the request: see
``beskgraph.api.links``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from functools import partial
from typing import Any

from anyio import to_thread
from rdflib import BNode, Graph, Literal, URIRef
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from beskgraph.api.dumps import DUMPS
from beskgraph.api.generations import LoadTimes, PerGeneration
from beskgraph.api.links import dataset_iri, public_base
from beskgraph.api.negotiation import negotiate
from beskgraph.api.settings import Settings
from beskgraph.config import base_iri
from beskgraph.formats.table import GRAPH_ANSWERS, SOLUTIONS_ANSWERS
from beskgraph.formats.writer import GRAPHLESS, write_triples
from beskgraph.store import Store, StoreError, as_int
from beskgraph.vocabulary import BG, DCAT, DCTERMS, FOAF, PREFIXES, RDF, SD, SH, VOID, XSD, bind_prefixes

IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


async def described(request: Request, key: str, make: Callable[[int], Graph]) -> Response:
    """An RDF description, built by ``make(generation)`` and serialised once per generation and
    format (Accept; Turtle by default)."""
    fmt = negotiate(request.headers.get("accept"), GRAPHLESS)
    cache: PerGeneration[Any] = request.app.state.descriptions
    generation = await cache.current(request.app.state.store)
    graph: Graph = await cache.get(key, generation, partial(make, generation))
    serialise = partial(write_triples, fmt, graph.serialize(format="nt", encoding="utf-8"))
    body: bytes = await cache.get(f"{key} {fmt.name}", generation, serialise)
    return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})


def _graph() -> Graph:
    g = Graph()
    bind_prefixes(g)
    g.bind("void", VOID)
    g.bind("dcat", DCAT)
    g.bind("sd", str(SD))
    g.bind("foaf", FOAF)
    return g


def void_graph(store: Store, settings: Settings, base: str, modified: dt.datetime) -> Graph:
    """The dataset description; counts come from SPARQL on the store."""
    g = _graph()
    dataset = URIRef(dataset_iri())
    sparql = URIRef(base + "/sparql")
    for kind in (VOID.Dataset, DCAT.Dataset, SD.Dataset):
        g.add((dataset, RDF.type, kind))
    g.add((dataset, DCTERMS.title, Literal(settings.title, lang="en")))
    g.add((dataset, DCTERMS.description, Literal(settings.description, lang="en")))
    g.add((dataset, DCTERMS.license, URIRef(settings.license)))
    g.add((dataset, DCTERMS.modified, Literal(modified.isoformat(), datatype=XSD.dateTime)))
    publisher = _bnode("publisher", settings.publisher)
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(settings.publisher)))
    g.add((dataset, VOID.sparqlEndpoint, sparql))
    g.add((dataset, VOID.uriSpace, Literal(base_iri())))
    g.add((dataset, VOID.triples, Literal(store.count(), datatype=XSD.integer)))
    g.add((dataset, FOAF.homepage, URIRef(base + "/")))
    _dumps(g, dataset, base, settings)
    _services(g, dataset, base, settings)
    used: set[str] = set()
    rows = store.select(
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY ?class"
    )
    for row in rows:
        part = _bnode("class", str(row["class"]))
        g.add((dataset, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(str(row["class"]))))
        g.add((part, VOID.entities, Literal(as_int(row["n"]), datatype=XSD.integer)))
        used.add(str(row["class"]))
    rows = store.select("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p")
    for row in rows:
        part = _bnode("property", str(row["p"]))
        g.add((dataset, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(str(row["p"]))))
        g.add((part, VOID.triples, Literal(as_int(row["n"]), datatype=XSD.integer)))
        used.add(str(row["p"]))
    for namespace in sorted({vocabulary(term) for term in used}):
        g.add((dataset, VOID.vocabulary, URIRef(namespace)))
    rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    for row in rows:
        subset = _named_graph(g, dataset, str(row["g"]))
        g.add((dataset, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, VOID.triples, Literal(as_int(row["n"]), datatype=XSD.integer)))
    return g


def vocabulary(term: str) -> str:
    """The namespace of a class or property: a project prefix's, else up to its last '#' or '/'."""
    known = [str(ns) for ns in PREFIXES.values() if term.startswith(str(ns))]
    if known:
        return max(known, key=len)
    return term[: max(term.rfind("#"), term.rfind("/")) + 1] or term


def _dumps(g: Graph, dataset: URIRef, base: str, settings: Settings) -> None:
    """A void:dataDump and a dcat:Distribution for every dump format."""
    for ext, fmt in DUMPS.items():
        dump = URIRef(f"{base}/dump.{ext}")
        g.add((dataset, VOID.dataDump, dump))
        dist = _bnode("dist", ext)
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(f"{fmt.iri.rsplit('/', 1)[1]} dump", lang="en")))
        g.add((dist, DCAT.downloadURL, dump))
        g.add((dist, DCAT.accessURL, dump))
        g.add((dist, DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + fmt.media_type)))
        g.add((dist, DCTERMS["format"], fmt.iri))
        g.add((dist, DCTERMS.license, URIRef(settings.license)))


def _services(g: Graph, dataset: URIRef, base: str, settings: Settings) -> None:
    """The SPARQL endpoint and, if mounted, the GraphQL endpoint as dcat:DataServices."""
    services: list[tuple[URIRef, str, URIRef | None]] = [
        (URIRef(base + "/sparql"), "SPARQL 1.1 endpoint", SD.SPARQL11Query)
    ]
    if settings.graphql_path:
        services.append((URIRef(base + settings.graphql_path), "GraphQL endpoint", None))
    for url, title, conforms in services:
        service = _bnode("service", title)
        g.add((service, RDF.type, DCAT.DataService))
        g.add((service, DCTERMS.title, Literal(title, lang="en")))
        g.add((service, DCAT.endpointURL, url))
        g.add((service, DCAT.servesDataset, dataset))
        if conforms is not None:
            g.add((service, DCTERMS.conformsTo, conforms))
            g.add((service, DCAT.endpointDescription, url))  # GET without a query: the service description
        g.add((dataset, DCAT.accessService, service))


def _named_graph(g: Graph, dataset: URIRef, name: str) -> BNode:
    """``dataset sd:namedGraph [ sd:name name ; sd:graph G ]``; returns G."""
    named, graph = _bnode("named", name), _bnode("graph", name)
    g.add((dataset, SD.namedGraph, named))
    g.add((named, RDF.type, SD.NamedGraph))
    g.add((named, SD.name, URIRef(name)))
    g.add((named, SD.graph, graph))
    g.add((graph, RDF.type, SD.Graph))
    return graph


def service_graph(store: Store, base: str) -> Graph:
    """The SPARQL 1.1 Service Description of ``/sparql``, its dataset and named graphs."""
    g = _graph()
    service = _bnode("service", "sparql")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(base + "/sparql")))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for fmt in (*SOLUTIONS_ANSWERS, *GRAPH_ANSWERS):
        g.add((service, SD.resultFormat, fmt.iri))
    g.add(
        (
            service,
            DCTERMS.description,
            Literal("Read-only; the default graph is the union of all named graphs.", lang="en"),
        )
    )
    dataset = URIRef(dataset_iri())
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default_graph = _bnode("graph", "default")
    g.add((dataset, SD.defaultGraph, default_graph))
    g.add((default_graph, RDF.type, SD.Graph))
    for name in store.graphs():
        _named_graph(g, dataset, name)
    return g


def _bnode(kind: str, key: str) -> BNode:
    """A stable, Turtle-safe blank node label for a partition/distribution/service."""
    return BNode(f"{kind}{hashlib.sha1(key.encode()).hexdigest()[:16]}")


async def void(request: Request) -> Response:
    """GET /.well-known/void and /description."""
    store: Store = request.app.state.store
    settings: Settings = request.app.state.settings
    load_times: LoadTimes = request.app.state.load_times
    base = public_base(request)

    def make(generation: int) -> Graph:
        return void_graph(store, settings, base, load_times.of(generation))

    return await described(request, f"void {base}", make)


DOCUMENT_COUNTS = (
    f"SELECT ?status (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a <{BG.SourceDocument}> ; "
    f"<{BG.documentStatus}> ?status }} GROUP BY ?status"
)
LEFT_OUT = (
    f"SELECT ?name ?line ?message WHERE {{ ?d <{BG.documentStatus}> <{BG.LeftOut}> ; "
    f"<{DCTERMS.identifier}> ?name ; <{BG.problem}> ?p . ?p <{BG.severity}> <{SH.Violation}> ; "
    f"<{BG.message}> ?message . OPTIONAL {{ ?p <{BG.atLine}> ?line }} }} ORDER BY ?name ?line ?message"
)
STATUS_KEYS = {str(BG.Valid): "ok", str(BG.ValidWithWarnings): "withWarnings", str(BG.LeftOut): "leftOut"}
LISTED_LEFT_OUT = 100


def document_health(store: Store) -> dict[str, object]:
    """Counts of documents ok / with warnings / left out, and why each left-out one is
    (its first violation; at most :data:`LISTED_LEFT_OUT` documents listed)."""
    counts = {key: 0 for key in STATUS_KEYS.values()}
    for row in store.select(DOCUMENT_COUNTS):
        if (key := STATUS_KEYS.get(str(row["status"]))) is not None:
            counts[key] = as_int(row["n"])
    reasons: dict[str, dict[str, object]] = {}
    if counts["leftOut"]:
        for row in store.select(LEFT_OUT):
            name = str(row["name"])
            if name not in reasons and len(reasons) < LISTED_LEFT_OUT:
                reasons[name] = {"document": name, "line": row.get("line"), "reason": str(row["message"])}
    return {**counts, "leftOutDocuments": list(reasons.values())}


async def health(request: Request) -> Response:
    """GET /health: ``{status, triples, graphs, store, documents}``; 503 when the store is
    unavailable. ``documents`` counts the source documents ok / with warnings / left out."""
    store: Store = request.app.state.store

    def probe() -> dict[str, object]:
        return {
            "status": "ok",
            "triples": store.count(),
            "graphs": len(store.graphs()),
            "store": store.description,
            "documents": document_health(store),
        }

    try:
        return JSONResponse(await to_thread.run_sync(probe))
    except StoreError as exc:
        body = {"status": "unavailable", "error": str(exc), "store": store.description}
        return JSONResponse(body, status_code=503)


def routes() -> list[BaseRoute]:
    """Routes of this module."""
    return [
        Route("/.well-known/void", void, methods=["GET"]),
        Route("/description", void, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
    ]
