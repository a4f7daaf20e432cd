"""The seed build served by a real uvicorn on loopback, and the graph its dump gives back."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rdflib import Graph
from starlette.applications import Starlette

from beskgraph.build import BuildResult
from tests.support.publish import download, parse_trig, serve_build


@pytest.fixture
def served_seeds(serve_app: Callable[[Starlette], str], seed_build: BuildResult) -> str:
    """Base URL of a server holding the seed build."""
    return serve_build(serve_app, seed_build)


@pytest.fixture
def served_seed_graph(served_seeds: str) -> Graph:
    """The seed graph as the server gives it back (``/dump.trig``, every named graph)."""
    return parse_trig(download(served_seeds, "/dump.trig"))
