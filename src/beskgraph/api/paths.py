"""Where this server serves a minted IRI: ``{base}municipality/410`` is ``/municipality/410``."""

from __future__ import annotations

from beskgraph.config import base_iri
from beskgraph.vocabulary import BG


def local_path(iri: str) -> str | None:
    """The path at which this server serves a minted IRI (None for other IRIs)."""
    if iri.startswith(str(BG)):
        return "/ontology#" + iri[len(str(BG)) :]
    base = base_iri()
    if iri.startswith(base) and len(iri) > len(base):
        return "/" + iri[len(base) :]
    return None


def node_iri(path: str) -> str:
    """The minted IRI a request path names."""
    return base_iri() + path.lstrip("/")
