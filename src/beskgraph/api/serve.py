"""Run the API with uvicorn."""

from __future__ import annotations

import os
from collections.abc import Sequence

import uvicorn
from starlette.routing import BaseRoute

from beskgraph.api.app import create_app
from beskgraph.api.settings import Settings
from beskgraph.store import Store


def serve(
    store: Store,
    host: str = "127.0.0.1",
    port: int | None = None,
    *,
    extra_routes: Sequence[BaseRoute] = (),
    settings: Settings | None = None,
    log_level: str = "info",
) -> None:
    """Serve the API until interrupted; ``port`` defaults to env ``PORT``, then 8000."""
    if port is None:
        port = int(os.environ.get("PORT", "8000"))
    app = create_app(store, extra_routes=extra_routes, settings=settings)
    uvicorn.run(app, host=host, port=port, log_level=log_level)
