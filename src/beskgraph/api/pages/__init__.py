"""Pages for people: server-rendered HTML (Jinja2) over the same store the API serves.

``/`` home, ``/compare``, ``/timeline``, ``/search``, the SPARQL editor at ``/sparql`` (for
browsers: text/html without a query), the ontology and shapes pages, and the page of every
minted IRI (reached through :mod:`beskgraph.api.resources`, which negotiates). Every asset
is served from ``/assets``; no page loads anything from another origin.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from beskgraph.api import sparql
from beskgraph.api.links import public_base
from beskgraph.api.pages import overviews, views
from beskgraph.api.pages.bounds import bounded
from beskgraph.api.pages.documentation import shapes_context, vocabulary_context
from beskgraph.api.pages.examples import examples
from beskgraph.api.pages.paging import Asked, BadPage
from beskgraph.api.pages.render import page
from beskgraph.api.pages.search import search
from beskgraph.api.source_texts import source_texts
from beskgraph.formats.accept import parse_accept
from beskgraph.store.errors import Busy

if TYPE_CHECKING:
    from beskgraph.api.node_description import Description

ASSETS = "/assets"
HTML_TYPES = ("text/html", "application/xhtml+xml")


async def _rendered(
    request: Request, build: Callable[[], Any], render: Callable[[Any], Response]
) -> Response:
    """``render(build())`` in a worker thread, within the pages' bounds (``bounds``)."""
    try:
        return await bounded(request, lambda: render(build()))
    except (Busy, TimeoutError) as exc:
        retry = str(max(1, math.ceil(request.app.state.settings.page_timeout)))
        reason = "for mange sider bygges nu" if isinstance(exc, Busy) else "siden blev ikke færdig i tide"
        response = page(
            request,
            "error.html",
            status=503,
            title="Prøv igen om lidt",
            message=f"Siden kan ikke vises lige nu: {reason}. Prøv igen om {retry} s.",
        )
        response.headers["Retry-After"] = retry
        return response
    except BadPage as exc:  # the client's error: a page number the section does not have
        return page(request, "error.html", status=400, title="Ugyldigt sidetal", message=str(exc))


def render_store_error(request: Request, status: int, reason: str) -> Response:
    """The page for a browser when the store failed (see ``beskgraph.api.errors``)."""
    return page(
        request,
        "error.html",
        status=status,
        title="Lageret svarer ikke",
        message=f"Grafens lager svarer ikke lige nu: {reason}",
    )


async def render_resource(request: Request, found: Description) -> Response:
    """The HTML page of a node."""
    store = request.app.state.store
    asked = Asked(request.url.path, dict(request.query_params), request.app.state.settings.page_rows)
    build = partial(views.node_page, store, found, source_texts(request), asked)
    return await _rendered(request, build, lambda result: page(request, result.template, **result.context))


def render_missing_page(request: Request, path: str) -> Response:
    return page(
        request,
        "error.html",
        status=404,
        title="Ikke fundet",
        message=f"Grafen har intet med adressen {path}.",
    )


def render_vocabulary(request: Request, triples: tuple[ox.Triple, ...]) -> Response:
    return page(request, "ontology.html", **vocabulary_context(triples))


def render_shapes(request: Request, triples: tuple[ox.Triple, ...]) -> Response:
    return page(request, "shapes.html", **shapes_context(triples))


async def _overview(
    request: Request, template: str, build: Callable[[], dict[str, Any]], **extra: Any
) -> Response:
    return await _rendered(request, build, lambda context: page(request, template, **context, **extra))


async def home(request: Request) -> Response:
    return await _overview(request, "home.html", partial(overviews.home, request.app.state.store))


async def compare(request: Request) -> Response:
    params = request.query_params
    store = request.app.state.store
    group = params.get("group") or None
    if group is not None and not _is_iri(group):  # the client's error, not the store's
        return page(
            request,
            "error.html",
            status=400,
            title="Ugyldig målgruppe",
            message=f"Målgruppen skal være en IRI, ikke {group!r}.",
        )
    build = partial(overviews.compare, store, params.get("test"), group)
    return await _overview(request, "compare.html", build)


def _is_iri(text: str) -> bool:
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


async def timeline(request: Request) -> Response:
    return await _overview(request, "timeline.html", partial(overviews.timeline, request.app.state.store))


async def search_page(request: Request) -> Response:
    text = request.query_params.get("q", "").strip()
    build = partial(lambda: {"results": search(request.app.state.store, text)})
    return await _overview(request, "search.html", build, query=text)


def wants_html(request: Request) -> bool:
    """True when the client's most preferred media type is HTML (a browser)."""
    ranges = parse_accept(request.headers.get("accept"))
    return bool(ranges) and ranges[0][0] in HTML_TYPES


async def sparql_or_editor(request: Request) -> Response:
    """GET /sparql: the editor for a browser that sends no query; the protocol endpoint for all else."""
    params = request.query_params
    if not any(key in params for key in ("query", "update")) and wants_html(request):
        return page(request, "sparql.html", title="SPARQL", examples=examples(), base=public_base(request))
    return await sparql.sparql(request)


def routes() -> list[BaseRoute]:
    """Page routes; register them before the API's (the /sparql GET wrapper must win)."""
    return [
        Route("/", home, methods=["GET"]),
        Route("/compare", compare, methods=["GET"]),
        Route("/timeline", timeline, methods=["GET"]),
        Route("/search", search_page, methods=["GET"]),
        Route("/sparql", sparql_or_editor, methods=["GET"]),
        Mount(ASSETS, StaticFiles(packages=[("beskgraph.api.pages", "static")]), name="assets"),
    ]


__all__ = [
    "render_missing_page",
    "render_resource",
    "render_shapes",
    "render_store_error",
    "render_vocabulary",
    "routes",
    "wants_html",
]
