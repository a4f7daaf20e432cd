"""Built graphs to measure on (the seeds, or a generated corpus of some size, as N-Quads), and
what the focused benchmarks share: a work folder, and where their report goes."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def add_output_options(args: argparse.ArgumentParser, name: str) -> None:
    args.add_argument("--work", type=Path, default=None, help="keep generated corpora and graphs here")
    args.add_argument("--out", type=Path, default=None, help=f"write {name}.json/.md here")


@contextlib.contextmanager
def work_folder(keep: Path | None) -> Iterator[Path]:
    """``keep`` when given (its corpora and graphs serve the next run too), else a temporary folder."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    work = Path(tempfile.mkdtemp(prefix="beskgraph-bench-"))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def publish(report: dict[str, Any], text: str, out: Path | None, name: str) -> None:
    """Print the report; with ``out``, write it there as ``name``.json and ``name``.md."""
    print(text)
    if out is not None:
        (out / f"{name}.json").write_text(
            json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (out / f"{name}.md").write_text(text, encoding="utf-8")
