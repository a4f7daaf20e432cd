"""Run the API with uvicorn."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import replace

import uvicorn
from starlette.routing import BaseRoute

from beskgraph.api.app import create_app
from beskgraph.api.links import listen_url
from beskgraph.api.settings import Settings
from beskgraph.store import Store

log = logging.getLogger("beskgraph")


def serve(
    store: Store,
    host: str = "127.0.0.1",
    port: int | None = None,
    *,
    extra_routes: Sequence[BaseRoute] = (),
    settings: Settings | None = None,
    log_level: str = "info",
) -> None:
    """Serve the API until interrupted; ``port`` defaults to env ``PORT``, then 8000.

    Links the API publishes start with ``settings.public_url`` (env ``BESKGRAPH_PUBLIC_URL``),
    by default the address served on here.
    """
    if port is None:
        port = int(os.environ.get("PORT", "8000"))
    settings = settings or Settings.from_env()
    if not settings.public_url:
        settings = replace(settings, public_url=listen_url(host, port))
        log.info("links in descriptions start with %s (set BESKGRAPH_PUBLIC_URL for a public address)",
                 settings.public_url)
    app = create_app(store, extra_routes=extra_routes, settings=settings)
    uvicorn.run(app, host=host, port=port, log_level=log_level)
