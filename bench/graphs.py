"""Built graphs to measure on: the seeds, or a generated corpus of some size (N-Quads)."""

from __future__ import annotations

import os
from pathlib import Path

from bench.corpus import generate
from beskgraph.build import build
from beskgraph.config import SEEDS_DIR
from beskgraph.store import EmbeddedStore

NQUADS = "application/n-quads"


def built_graph(size: int, work: Path) -> bytes:
    """N-Quads of ``size`` generated documents (0: the seeds); kept in ``work`` for the next run."""
    out = work / f"graph-{size}.nq"
    if out.exists():
        return out.read_bytes()
    paths = [SEEDS_DIR] if size == 0 else generate(size, work / f"corpus-{size}", SEEDS_DIR)
    result = build(paths, workers=os.cpu_count() or 1)
    if result.failed:
        raise SystemExit(f"{len(result.failed)} documents failed: {result.failed[0].error}")
    work.mkdir(parents=True, exist_ok=True)
    out.write_bytes(result.serialise("nquads"))
    return out.read_bytes()


def loaded_store(nquads: bytes) -> EmbeddedStore:
    store = EmbeddedStore()
    store.load_dataset(nquads, NQUADS)
    return store
