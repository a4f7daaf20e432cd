"""What a build gives: its graphs (as :class:`~.chunks.GraphChunk`) and what became of each
document, written in any format of the graph as the server dumps it; or why it failed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from ..changes import Changes
from ..formats.table import TRIG, Format, for_path, graph_format
from ..formats.writer import join_trig, write
from ..model.common import Status
from ..reading import DocumentOutcome
from ..vocabulary import bind_prefixes
from .chunks import GraphChunk


@dataclass
class BuildResult:
    chunks: list[GraphChunk]
    documents: list[DocumentOutcome]
    changes: Changes | None = None  # against the previous build, when it was given

    @cached_property
    def dataset(self) -> Dataset:
        """The whole build as an rdflib Dataset (parsed on first use)."""
        dataset = Dataset()
        bind_prefixes(dataset)
        dataset.parse(data=self.nquads(), format="nquads")
        return dataset

    def nquads(self) -> bytes:
        return b"".join(line for chunk in self.chunks for line in chunk.nquads)

    @property
    def triples(self) -> int:
        return sum(chunk.triples for chunk in self.chunks)

    @property
    def failed(self) -> list[DocumentOutcome]:
        """The documents left out."""
        return [d for d in self.documents if not d.ok]

    def kinds(self) -> Counter[str]:
        return Counter(d.kind or "unknown" for d in self.documents if d.ok)

    def statuses(self) -> Counter[Status]:
        return Counter(d.status for d in self.documents)

    def hashes(self) -> dict[str, str]:
        """``{file name: content hash}`` of every document read."""
        return {d.name: d.content_hash for d in self.documents if d.content_hash}

    def serialise(self, format: Format | str) -> bytes:
        """The build in ``format`` (or its name), as the server dumps it; TriG joins the graphs'
        Turtle the workers wrote."""
        fmt = graph_format(format) if isinstance(format, str) else format
        if fmt is TRIG:
            return join_trig(chunk.turtle for chunk in self.chunks)
        return b"".join(write(fmt, self.nquads))


class BuildFailed(Exception):
    """The build as a whole failed; nothing was written."""


def serialise(dataset: Dataset, format: Format | str) -> bytes:
    """An rdflib Dataset's named graphs as the build writes them."""
    fmt = graph_format(format) if isinstance(format, str) else format
    rdflib_nquads = dataset.serialize(format="nquads", encoding="utf-8")  # read again as pyoxigraph writes it
    quads = ox.parse(rdflib_nquads, format=ox.RdfFormat.N_QUADS)
    nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    return b"".join(write(fmt, lambda: nquads))


def format_for(path: Path) -> Format:
    """The format of an output file, by its extension."""
    try:
        return for_path(path)
    except ValueError as error:
        raise BuildFailed(str(error)) from None
