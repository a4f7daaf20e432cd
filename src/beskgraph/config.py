"""Settings shared by every layer: where the project's files are and the IRI base."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("BESKGRAPH_HOME", Path(__file__).resolve().parents[2]))
SEEDS_DIR = PROJECT_ROOT / "seeds"
REFERENCE_DIR = PROJECT_ROOT / "reference"
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
SHAPES_DIR = PROJECT_ROOT / "shapes"

DEFAULT_BASE = "https://w3id.org/beskgraph/"


def base_iri() -> str:
    """The base under which every data IRI is minted (env ``BESKGRAPH_BASE``)."""
    base = os.environ.get("BESKGRAPH_BASE", DEFAULT_BASE)
    return base if base.endswith(("/", "#")) else base + "/"
