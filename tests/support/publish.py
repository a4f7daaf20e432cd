"""A built graph loaded into the embedded store and served by a real uvicorn on loopback:
what the suites about publishing download and check (the dumps, not the build's output)."""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Dataset, Graph
from starlette.applications import Starlette

from beskgraph.api.app import create_app
from beskgraph.build import BuildResult
from beskgraph.store import EmbeddedStore
from tests.support import http


def serve_build(serve_app: Callable[[Starlette], str], result: BuildResult) -> str:
    """Load ``result`` into a fresh embedded store and serve it; returns the base URL."""
    store = EmbeddedStore()
    store.load_dataset(result.serialise("nquads"), "application/n-quads")
    return serve_app(create_app(store))


def download(site: str, path: str) -> bytes:
    response = http.get(site + path, timeout=120)
    response.raise_for_status()
    return response.content


def union(dataset: Dataset) -> Graph:
    """Every named graph of ``dataset`` in one graph (what SHACL validates)."""
    graph = Graph()
    for named in dataset.graphs():
        graph += named
    return graph


def parse_trig(data: bytes) -> Graph:
    dataset = Dataset()
    dataset.parse(data=data, format="trig")
    return union(dataset)
