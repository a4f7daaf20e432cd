"""The build: source files -> parsed records -> one named graph each -> SHACL -> output.

Quarantine, not failure. A document that cannot be read (:mod:`beskgraph.reading`), that
would merge silently into another (:mod:`beskgraph.clashes`), or whose graph violates a shape is left out
*whole*: its named graph holds only its source node, its status and its problems (file,
line, focus node, path, message), so what is served stays clean and a front-end can say
which documents need attention. Warnings (a parser's, and SHACL results of severity
``sh:Warning``) are reported and do not leave a document out. ``strict`` fails the build
on any document left out. Problems in the reference data, the shapes or the ontology
fail the build: nothing built on them could be trusted. A build that fails writes nothing.

Incremental. With a :class:`~beskgraph.cache.BuildCache`, a document is parsed again
only when its bytes (or the pipeline) changed, and mapped and validated again only when,
besides, the criteria its answers were matched to changed: criteria are clustered over
the whole corpus, so a new card can change an unchanged card's criteria, and that card
is then mapped again too. Every named graph states a digest of its triples, so a store
can be brought in line by replacing only the graphs whose digest changed.

The steps are in :mod:`.pipeline`, one document's graph in :mod:`.documents`, the graphs
serialised for the outputs in :mod:`.chunks`, the result in :mod:`.result`; the worker
processes are :mod:`beskgraph.workers`.
"""

from .chunks import GraphChunk, graph_chunk
from .documents import document_graph
from .pipeline import Progress, build, parse_all
from .result import BuildFailed, BuildResult, format_for, serialise
from .sources import find_sources

__all__ = [
    "BuildFailed",
    "BuildResult",
    "GraphChunk",
    "Progress",
    "build",
    "document_graph",
    "find_sources",
    "format_for",
    "graph_chunk",
    "parse_all",
    "serialise",
]
