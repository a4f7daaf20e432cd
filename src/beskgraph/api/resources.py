"""Linked data: every IRI the graph mints is served at its own path, by content negotiation.

``https://w3id.org/beskgraph/municipality/410`` is ``/municipality/410`` here: HTML for
people, Turtle, JSON-LD and N-Triples for machines, always 200 with ``Vary: Accept`` (no
303: the IRIs name records of a document graph, and the representation is about them).
``?format=`` (html, ttl, jsonld, nt, txt) picks a representation where a link cannot send
an Accept header. The machine forms are the node's whole description
(:mod:`beskgraph.api.node_description`); its page lists long sections a page of rows at a
time (``?incoming=2``). The source document
itself is also ``text/plain``: the text that its RFC 5147 fragments address. ``/ontology``
and ``/shapes`` are the vocabulary and the SHACL shapes, read from ``ontology/`` and
``shapes/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from anyio import to_thread
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from beskgraph.api.negotiation import acceptable
from beskgraph.api.node_description import describe, identify
from beskgraph.api.pages import render_missing_page, render_resource, render_shapes, render_vocabulary
from beskgraph.api.paths import node_iri
from beskgraph.api.source_texts import source_texts
from beskgraph.api.vocabulary import ONTOLOGY_IRI, ontology_modules, ontology_triples, shapes_triples
from beskgraph.formats import table as formats
from beskgraph.formats.table import Format
from beskgraph.formats.writer import write_triples
from beskgraph.store import Store
from beskgraph.vocabulary import BG


@dataclass(frozen=True)
class Representation:
    """One representation of a resource: its ``?format=`` name, media type and RDF format."""

    name: str
    media_type: str
    rdf: Format | None = None

    @classmethod
    def of(cls, fmt: Format) -> Representation:
        return cls(fmt.extension, fmt.media_type, fmt)


HTML = Representation("html", "text/html")
TURTLE, JSONLD, NTRIPLES = (Representation.of(f) for f in (formats.TURTLE, formats.JSONLD, formats.NTRIPLES))
TEXT = Representation("txt", "text/plain")
# Server preference for */*: machines asking for anything get Turtle; browsers ask for HTML.
OFFERS = (TURTLE, HTML, JSONLD, NTRIPLES)
ALIASES = {
    "application/xhtml+xml": HTML.media_type,
    "application/x-turtle": TURTLE.media_type,
    "application/turtle": TURTLE.media_type,
    "application/json": JSONLD.media_type,
}
SOURCE_DOCUMENT = str(BG.SourceDocument)
Renderer = Callable[[Request, tuple[ox.Triple, ...]], Response]

# ---------------------------------------------------------------------------
# Negotiation and serialisation


def choose(request: Request, offers: Iterable[Representation]) -> Representation | None:
    """The representation ``?format=`` or the Accept header asks for; None if none fits."""
    offers = list(offers)
    wanted = request.query_params.get("format")
    if wanted is not None:
        return next((f for f in offers if wanted in (f.name, f.media_type)), None)
    return acceptable(request.headers.get("accept"), offers, ALIASES)


def rdf_response(triples: list[ox.Triple], representation: Representation, path: str) -> Response:
    """The triples in an RDF representation, written as the dumps are (JSON-LD compacted with
    their context)."""
    fmt = representation.rdf
    assert fmt is not None
    headers = {"Vary": "Accept", "Link": alternates(path)}
    headers["Content-Type"] = fmt.media_type if fmt is formats.JSONLD else f"{fmt.media_type}; charset=utf-8"
    return Response(
        write_triples(fmt, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""), headers=headers
    )


def alternates(path: str) -> str:
    """``Link`` header value listing the representations of the resource at ``path``."""
    return ", ".join(f'<{path}?format={f.name}>; rel="alternate"; type="{f.media_type}"' for f in OFFERS)


def not_acceptable(offers: Iterable[Representation]) -> Response:
    media = ", ".join(f.media_type for f in offers)
    return PlainTextResponse(
        f"not acceptable; this resource is offered as {media}", status_code=406, headers={"Vary": "Accept"}
    )


# ---------------------------------------------------------------------------
# Graph resources


async def resource(request: Request) -> Response:
    """GET any minted IRI's path."""
    path = request.url.path
    store: Store = request.app.state.store
    try:
        iri = ox.NamedNode(node_iri(path)).value
    except ValueError:
        return await render_missing(request, path)
    found = await to_thread.run_sync(identify, store, iri)
    if found is None:
        return await render_missing(request, path)
    offers = [*OFFERS, TEXT] if SOURCE_DOCUMENT in found.types else OFFERS
    fmt = choose(request, offers)
    if fmt is None:
        return not_acceptable(offers)
    if fmt is HTML:
        return await render_resource(request, found)
    if fmt is TEXT:
        return await source_text_response(request, found.iri)
    # the machine forms are the whole description, however long (the page shows it in pages)
    triples = await to_thread.run_sync(describe, store, found)
    return rdf_response(triples, fmt, path)


async def render_missing(request: Request, path: str) -> Response:
    """404, as a page for people and as plain text for machines."""
    if choose(request, [HTML, TEXT]) is HTML:
        return render_missing_page(request, path)
    return PlainTextResponse(f"nothing in this dataset is named {node_iri(path)}", status_code=404)


async def source_text_response(request: Request, document: str) -> Response:
    text = await to_thread.run_sync(source_texts(request).text, request.app.state.store, document)
    if text is None:
        return PlainTextResponse(
            "the text of this source document is not on this server (or is not the text the "
            "graph was built from); its quoted spans are in the Turtle description",
            status_code=404,
        )
    return PlainTextResponse(text, headers={"Vary": "Accept", "Link": alternates(request.url.path)})


# ---------------------------------------------------------------------------
# The ontology and the shapes, from their Turtle files


async def ontology(request: Request) -> Response:
    """GET /ontology (and each module's IRI under it): the vocabulary."""
    module = ONTOLOGY_IRI + request.url.path[len("/ontology") :].rstrip("/")
    if module not in ontology_modules():
        return await render_missing(request, request.url.path)
    return await vocabulary(request, ontology_triples(), render_vocabulary)


async def shapes(request: Request) -> Response:
    """GET /shapes: the SHACL shapes every build is validated with."""
    return await vocabulary(request, shapes_triples(), render_shapes)


async def vocabulary(request: Request, triples: tuple[ox.Triple, ...], render: Renderer) -> Response:
    fmt = choose(request, OFFERS)
    if fmt is None:
        return not_acceptable(OFFERS)
    if fmt is HTML:
        return render(request, triples)
    return rdf_response(list(triples), fmt, request.url.path)


def routes() -> list[BaseRoute]:
    """The vocabulary routes and, last, the catch-all for minted IRIs (register after all others)."""
    return [
        Route("/ontology", ontology, methods=["GET"]),
        Route("/ontology/{module:path}", ontology, methods=["GET"]),
        Route("/shapes", shapes, methods=["GET"]),
        Route("/{kind}/{rest:path}", resource, methods=["GET"]),
    ]
