"""Run the API with uvicorn: in this process (:func:`serve`) or from worker processes
(:func:`serve_workers`, see ``beskgraph.api.workers``)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import socket
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.routing import BaseRoute

from beskgraph.api.app import create_app
from beskgraph.api.dump_cache import DumpCache
from beskgraph.api.dump_dirs import private_dump_dir
from beskgraph.api.generations import LoadTimes
from beskgraph.api.graph_version import code_digest
from beskgraph.api.links import WILDCARDS, listen_url
from beskgraph.api.settings import Settings
from beskgraph.api.workers import Load, Loaded, StartFailed, Supervisor, listening_socket, stop_on_signals
from beskgraph.store import RemoteStore, Store

log = logging.getLogger("beskgraph")


def _settings(settings: Settings | None, host: str, port: int) -> Settings:
    """``settings`` (default: from the environment) with links starting at the address served on
    unless ``BESKGRAPH_PUBLIC_URL`` names a public one."""
    settings = settings or Settings.from_env()
    if not settings.public_url:
        settings = replace(settings, public_url=listen_url(host, port))
        log.info(
            "links in descriptions start with %s (set BESKGRAPH_PUBLIC_URL for a public address)",
            settings.public_url,
        )
    return settings


def uvicorn_limits(settings: Settings) -> dict[str, Any]:
    """uvicorn's connection limits, from the settings (see ``Settings.max_connections`` ...)."""
    return {
        "limit_concurrency": settings.max_connections or None,
        "timeout_keep_alive": settings.keep_alive_timeout,
        "http": settings.http_parser,
        "h11_max_incomplete_event_size": settings.max_header_bytes,
    }


def _port(port: int | None) -> int:
    return int(os.environ.get("PORT", "8000")) if port is None else port


def serve(
    store: Store,
    host: str = "127.0.0.1",
    port: int | None = None,
    *,
    extra_routes: Sequence[BaseRoute] = (),
    settings: Settings | None = None,
    log_level: str = "info",
) -> None:
    """Serve the API in this process until interrupted; ``port`` defaults to env ``PORT``, then 8000.

    Links the API publishes start with ``settings.public_url`` (env ``BESKGRAPH_PUBLIC_URL``),
    by default the address served on here.
    """
    port = _port(port)
    settings = _settings(settings, host, port)
    app = create_app(store, extra_routes=extra_routes, settings=settings)
    uvicorn.run(app, host=host, port=port, log_level=log_level, **uvicorn_limits(settings))


def serve_workers(
    load: Load,
    host: str = "127.0.0.1",
    port: int | None = None,
    *,
    workers: int = 0,
    extra_routes: Callable[[], Sequence[BaseRoute]] = tuple,
    settings: Settings | None = None,
    log_level: str = "info",
) -> None:
    """Serve the graph ``load`` loads from ``workers`` processes (0: ``Settings.workers``, else
    one per core) until SIGTERM or SIGINT; SIGHUP loads again (``load(True)``). The workers of
    one load share their dump files (``DumpCache(shared=True)``)."""
    flags: set[int] = set()
    stop_on_signals(flags)  # from here a stop before the workers serve cleans up (dump directory)
    try:
        sock = listening_socket(host, _port(port))
        port = sock.getsockname()[1]  # the one the system chose for port 0
        served = _settings(settings, host, port)
        dumps = _dump_dir(served, sock)  # the supervisor's; removed when it ends
        loaded: list[dt.datetime] = []

        def timed(again: bool) -> Loaded:
            done = load(again)
            loaded[:] = [dt.datetime.now(dt.UTC)]
            return done

        def make_app(store: Store, generation: int) -> Starlette:
            app = create_app(store, extra_routes=extra_routes(), settings=served)
            app.state.load_times = LoadTimes(loaded[0])  # the same Last-Modified in every worker
            if isinstance(store, RemoteStore):
                return app  # others may write to it: each worker sees the changes in its own time
            # The workers of one load share their dump files; those of the load before last are gone.
            for old in dumps.glob("generation-*"):
                if int(old.name.removeprefix("generation-")) < generation - 1:
                    shutil.rmtree(old, ignore_errors=True)
            app.state.dumps.close()
            app.state.dumps = DumpCache(
                store, dumps / f"generation-{generation}", served.max_dump_builds, shared=True
            )
            return app

        code_digest()  # once, before the workers are forked (25 ms of reading files)
        every = " (every interface)" if host in WILDCARDS else ""
        log.info("bound to %s%s; answering once every worker is ready", listen_url(host, port), every)
        count = workers or served.workers or os.cpu_count() or 1
        # a retired worker may finish what it runs within the time limits: a body, then its query or page
        retire = served.body_timeout + max(served.query_timeout, served.page_timeout) + 1
        limits = uvicorn_limits(served)
        Supervisor(timed, make_app, sock, count, log_level, limits, retire, flags).run()
    except KeyboardInterrupt:
        log.info("stopped while starting")


def _dump_dir(settings: Settings, sock: socket.socket) -> Path:
    try:
        return private_dump_dir(settings.dump_dir)
    except OSError as error:
        sock.close()
        raise StartFailed(f"cannot make a dump directory in {settings.dump_dir}: {error.strerror}") from None
