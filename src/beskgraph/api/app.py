"""The Starlette application: pages, /sparql, dumps, description, health, extra routes, linked data."""

from __future__ import annotations

from collections.abc import Sequence

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute

from beskgraph.api import description, dumps, pages, resources, sparql
from beskgraph.api.body_timeout import BodyTimeout
from beskgraph.api.caching import HttpCaching
from beskgraph.api.dump_cache import DumpCache
from beskgraph.api.errors import EXCEPTION_HANDLERS
from beskgraph.api.generations import LoadTimes, PerGeneration
from beskgraph.api.persisted_queries import PersistedQueries
from beskgraph.api.refusals import RefusalLog
from beskgraph.api.settings import Settings
from beskgraph.store import Store


def create_app(
    store: Store,
    *,
    extra_routes: Sequence[BaseRoute] = (),
    settings: Settings | None = None,
) -> Starlette:
    """Build the API around ``store`` (not closed by the app; the caller owns it).

    ``extra_routes`` (e.g. the GraphQL endpoint) are mounted after the built-in ones and
    before the catch-all that serves every minted IRI's path; handlers reach the store as
    ``request.app.state.store``. The pages come first: their ``GET /sparql`` answers a
    browser without a query with the editor and hands everything else to the endpoint.
    Every endpoint reads only, so CORS allows ``settings.cors_origins`` (default ``*``).
    Persisted queries (``persisted_queries``) are resolved before HTTP caching
    (``caching``: validators, a response cache, compression) sees the request.
    """
    settings = settings or Settings.from_env()
    app = Starlette(
        routes=[
            *pages.routes(),
            *sparql.routes(),
            *dumps.routes(),
            *description.routes(),
            *extra_routes,
            *resources.routes(),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[
            Middleware(RefusalLog),
            Middleware(BodyTimeout, seconds=settings.body_timeout),
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["*"],
                expose_headers=["Link", "Content-Disposition", "Vary", "ETag", "X-Cache"],
                max_age=600,
            ),
            Middleware(PersistedQueries, path=settings.graphql_path),
            Middleware(HttpCaching, graphql_path=settings.graphql_path),
        ],
    )
    app.state.store = store
    app.state.settings = settings
    app.state.load_times = LoadTimes()
    app.state.dumps = DumpCache(store, settings.dump_dir, settings.max_dump_builds)
    app.state.descriptions = PerGeneration(anyio.CapacityLimiter(1))  # VoID, service description
    return app
