"""Settings shared by every layer: where the project's data is and the IRI base.

The ontology, the shapes, the reference data and the seed documents ship inside the package
(``beskgraph/data``; the repository shows them at its top level too), so an installed
beskgraph finds them wherever it runs. ``BESKGRAPH_HOME`` names another folder holding
``ontology/``, ``shapes/``, ``reference/`` and ``seeds/`` to use instead.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path


def data_folder(name: str) -> Path:
    """One of the data folders: ``$BESKGRAPH_HOME/name`` when that is set, else the package's."""
    if home := os.environ.get("BESKGRAPH_HOME"):
        return Path(home) / name
    return Path(str(files("beskgraph") / "data" / name))


SEEDS_DIR = data_folder("seeds")
REFERENCE_DIR = data_folder("reference")
ONTOLOGY_DIR = data_folder("ontology")
SHAPES_DIR = data_folder("shapes")

DEFAULT_BASE = "https://w3id.org/beskgraph/"


def base_iri() -> str:
    """The base under which every data IRI is minted (env ``BESKGRAPH_BASE``)."""
    base = os.environ.get("BESKGRAPH_BASE", DEFAULT_BASE)
    return base if base.endswith(("/", "#")) else base + "/"
