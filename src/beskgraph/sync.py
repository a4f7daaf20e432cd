"""Bring a store in line with a build, touching only what changed.

Every named graph of a build states its own digest (``<graph> bg:graphDigest "…"``). The
store is asked for the digests it holds (one query); a graph whose digest differs is
replaced (one atomic write per graph), a graph the build no longer has is dropped, and
the rest is left alone. An empty store is bulk-loaded instead. Graphs derived from the
others (:mod:`beskgraph.derived`) are not the build's: a sync leaves them to their owner.
"""

from __future__ import annotations

from dataclasses import dataclass

from .build import BuildResult
from .derived import DIGESTS, is_derived
from .store import Store
from .vocabulary import BG, DCTERMS

DOCUMENT_HASHES = (
    f"SELECT ?name ?hash WHERE {{ GRAPH ?g {{ ?d a <{BG.SourceDocument}> ; "
    f"<{DCTERMS.identifier}> ?name ; <{BG.contentHash}> ?hash }} }}"
)


@dataclass(frozen=True)
class Synced:
    replaced: int
    dropped: int
    kept: int

    def __str__(self) -> str:
        return f"{self.replaced} graph(s) written, {self.dropped} dropped, {self.kept} unchanged"


def stored_hashes(store: Store) -> dict[str, str]:
    """``{file name: content hash}`` of the source documents the store holds."""
    return {str(row["name"]): str(row["hash"]) for row in store.select(DOCUMENT_HASHES)}


def sync(store: Store, result: BuildResult) -> Synced:
    """Make the store hold exactly the graphs of ``result``."""
    if not store.graphs():
        store.load_dataset(result.serialise("nquads"), "application/n-quads")
        return Synced(len(result.chunks), 0, 0)
    held = {str(row["g"]): str(row["d"]) for row in store.select(DIGESTS)}
    wanted = {chunk.name for chunk in result.chunks}
    replaced = 0
    for chunk in result.chunks:
        if held.get(chunk.name) != chunk.digest:
            store.replace_graph(chunk.name, chunk.ntriples(), "application/n-triples")
            replaced += 1
    gone = [graph for graph in store.graphs() if graph not in wanted and not is_derived(graph)]
    for graph in gone:
        store.drop_graph(graph)
    return Synced(replaced, len(gone), len(result.chunks) - replaced)
