"""VoID/DCAT dataset description (``/.well-known/void``, ``/description``) and ``/health``."""

from __future__ import annotations

import hashlib
from functools import partial

from anyio import to_thread
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, XSD
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from beskgraph.api.settings import Settings
from beskgraph.config import base_iri
from beskgraph.rdf.namespaces import BG, DCAT, SH, VOID, bind_prefixes
from beskgraph.store import NotAcceptable, Store, StoreError, StoreUnavailable
from beskgraph.store.base import negotiate

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_RESPONSE_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


def public_base(request: Request) -> str:
    """Absolute base URL of the API (``Settings.public_url`` or the request's)."""
    settings: Settings = request.app.state.settings
    return (settings.public_url or str(request.base_url)).rstrip("/")


def rdf_response(graph: Graph, request: Request) -> Response:
    """Serialise an rdflib graph in the format the Accept header asks for (Turtle default)."""
    try:
        media = negotiate(request.headers.get("accept"), list(RDF_RESPONSE_FORMATS))
    except NotAcceptable as exc:
        return PlainTextResponse(str(exc), status_code=406)
    body = graph.serialize(format=RDF_RESPONSE_FORMATS[media], encoding="utf-8")
    return Response(body, media_type=media, headers={"Vary": "Accept"})


def void_graph(store: Store, settings: Settings, base: str) -> Graph:
    """The dataset description; counts come from SPARQL on the store."""
    g = Graph()
    bind_prefixes(g)
    g.bind("void", VOID)
    g.bind("dcat", DCAT)
    g.bind("sd", SD)
    dataset = URIRef(base + "/.well-known/void#dataset")
    sparql = URIRef(base + "/sparql")
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal(settings.title, lang="en")))
    g.add((dataset, DCTERMS.description, Literal(settings.description, lang="en")))
    g.add((dataset, DCTERMS.license, URIRef(settings.license)))
    g.add((dataset, VOID.sparqlEndpoint, sparql))
    g.add((dataset, VOID.uriSpace, Literal(base_iri())))
    g.add((dataset, VOID.triples, Literal(store.count(), datatype=XSD.integer)))
    g.add((dataset, FOAF.homepage, URIRef(base + "/")))
    for ext, media in (
        ("trig", "application/trig"),
        ("nq", "application/n-quads"),
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
    ):
        dump = URIRef(f"{base}/dump.{ext}")
        g.add((dataset, VOID.dataDump, dump))
        dist = _bnode("dist", ext)
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, dump))
        g.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media}")))
        g.add((dist, DCTERMS.license, URIRef(settings.license)))
    services = [(sparql, "SPARQL 1.1 endpoint", URIRef(SD + "SPARQL11Query"))]
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
        g.add((dataset, DCAT.accessService, service))
    rows = store.select(
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY ?class"
    )
    for row in rows:
        part = _bnode("class", str(row["class"]))
        g.add((dataset, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(str(row["class"]))))
        g.add((part, VOID.entities, Literal(int(row["n"]), datatype=XSD.integer)))  # type: ignore[call-overload]
    rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    for row in rows:
        subset = _bnode("graph", str(row["g"]))
        g.add((dataset, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, URIRef(SD + "name"), URIRef(str(row["g"]))))
        g.add((subset, VOID.triples, Literal(int(row["n"]), datatype=XSD.integer)))  # type: ignore[call-overload]
    return g


def _bnode(kind: str, key: str) -> BNode:
    """A stable, Turtle-safe blank node label for a partition/distribution/service."""
    return BNode(f"{kind}{hashlib.sha1(key.encode()).hexdigest()[:16]}")


async def void(request: Request) -> Response:
    """GET /.well-known/void and /description."""
    store: Store = request.app.state.store
    try:
        graph = await to_thread.run_sync(
            partial(void_graph, store, request.app.state.settings, public_base(request))
        )
    except StoreUnavailable as exc:
        return PlainTextResponse(f"store unavailable: {exc}", status_code=503)
    except StoreError as exc:
        return PlainTextResponse(f"store error: {exc}", status_code=500)
    return rdf_response(graph, request)


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
            counts[key] = int(row["n"])  # type: ignore[call-overload]
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
