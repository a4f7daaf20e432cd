"""The text of a source document, which its ``#char=a,b`` fragment IRIs address (RFC 5147).

The graph keeps each document's file name (``dcterms:identifier``), its length in
characters (``bg:characterCount``) and the exact text of every span it quotes, but not
the whole text. The server reads it from the folders it was built from
(``Settings.sources``, env ``BESKGRAPH_SOURCES``), finding the file by name only (a name
from the graph is never joined to a path), and serves it only if it is still the text the
graph was built from: same length, and every quoted span found at its offsets.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from starlette.requests import Request

from beskgraph.store import Row, Store, as_int
from beskgraph.store.terms import sparql_iri
from beskgraph.text import SourceError, SourceText
from beskgraph.vocabulary import sparql_prefixes

DOCUMENT_QUERY = (
    sparql_prefixes("bg", "dcterms", "oa")
    + """SELECT ?name ?length ?start ?end ?exact WHERE {{
  {doc} dcterms:identifier ?name .
  OPTIONAL {{ {doc} bg:characterCount ?length }}
  OPTIONAL {{ ?span dcterms:isPartOf {doc} ; oa:start ?start ; oa:end ?end ; oa:exact ?exact }}
}}
"""
)


class SourceTexts:
    """Source texts by document IRI, read once from the configured folders and checked."""

    def __init__(self, folders: Sequence[str | Path]) -> None:
        self.folders = [Path(f) for f in folders]
        self._files: dict[str, Path] | None = None
        self._texts: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def _index(self) -> dict[str, Path]:
        if self._files is None:
            files: dict[str, Path] = {}
            for folder in self.folders:
                if folder.is_dir():
                    for path in sorted(folder.rglob("*")):
                        if path.is_file():
                            files.setdefault(path.name, path)
            self._files = files
        return self._files

    def text(self, store: Store, document: str) -> str | None:
        """The document's text, or None when no file of that name holds the text the graph quotes."""
        with self._lock:
            if document in self._texts:
                return self._texts[document]
        rows = store.select(DOCUMENT_QUERY.format(doc=sparql_iri(document)))
        text = None
        if rows:
            path = self._index().get(str(rows[0]["name"]))
            if path is not None:
                try:
                    candidate = SourceText.read(path).text
                except (OSError, SourceError):
                    candidate = None
                if candidate is not None and _matches(candidate, rows):
                    text = candidate
        with self._lock:
            self._texts[document] = text
        return text


def _matches(text: str, rows: list[Row]) -> bool:
    """True when ``text`` has the graph's length and every quoted span at its offsets."""
    length = rows[0].get("length")
    if isinstance(length, int) and length != len(text):
        return False
    for row in rows:
        if "start" in row and text[as_int(row["start"]) : as_int(row["end"])] != row["exact"]:
            return False
    return True


def source_texts(request: Request) -> SourceTexts:
    """The app's source-text reader (made on first use from ``Settings.sources``)."""
    state = request.app.state
    if not hasattr(state, "source_texts"):
        state.source_texts = SourceTexts(state.settings.sources)
    return state.source_texts
