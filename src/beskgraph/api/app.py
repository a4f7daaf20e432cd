"""The Starlette application: /sparql, dumps, description, health and extra routes."""

from __future__ import annotations

from collections.abc import Sequence

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from beskgraph.api import description, dumps, sparql
from beskgraph.api.dump_cache import DumpCache
from beskgraph.api.generations import LoadTimes, PerGeneration
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

    ``extra_routes`` (e.g. the GraphQL endpoint) are mounted after the built-in ones;
    handlers reach the store as ``request.app.state.store``.
    """
    settings = settings or Settings.from_env()
    app = Starlette(
        routes=[*sparql.routes(), *dumps.routes(), *description.routes(), *extra_routes],
        middleware=[Middleware(RefusalLog)],
    )
    app.state.store = store
    app.state.settings = settings
    app.state.query_limiter = anyio.CapacityLimiter(settings.max_concurrent_queries)
    app.state.load_times = LoadTimes()
    app.state.dumps = DumpCache(store, settings.dump_dir, settings.max_dump_builds)
    app.state.descriptions = PerGeneration(anyio.CapacityLimiter(1))  # VoID, service description
    return app
