"""The store's side of formats: the formats it reads, and its dumps (written by
:mod:`beskgraph.formats.writer`, as the build writes its output)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox

from beskgraph.formats.table import by_name, graph_format
from beskgraph.formats.writer import write
from beskgraph.store.errors import StoreError


def rdf_format(name: str) -> ox.RdfFormat:
    """The RDF format a media type (``text/turtle``), extension or name (``trig``) names."""
    try:
        return by_name(name).rdf_format
    except ValueError as exc:
        raise StoreError(f"unknown RDF format: {name!r}") from exc


def quads_nquads(quads: Iterable[ox.Quad]) -> bytes:
    """N-Quads text of quads (for stores that hand over term objects)."""
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def dump_dataset(
    format: str, nquads: Callable[[], bytes], union: Callable[[], bytes] | None = None
) -> Iterator[bytes]:
    """The named graphs in one of the graph's formats, by name (``trig``); see ``write``."""
    try:
        fmt = graph_format(format)
    except ValueError as exc:
        raise StoreError(f"unknown dump format {format!r}: {exc}") from None
    return write(fmt, nquads, union)
