"""The contender the search index was measured against: SQLite FTS5 with a Snowball stemmer.

FTS5 cannot run a Python tokenizer, so each text is split and stemmed here (PyStemmer,
Snowball's Danish stemmer, the same algorithm tantivy uses), the stems are indexed, and
the original texts are kept in a second table for snippets, highlighted in Python. The
query semantics copy the tantivy engine's: every word (stop words out), else any word;
BM25 per column with the same weights, a bonus for the words within two of each other
(a NEAR group, which FTS5 scores as one more phrase), and nodes with the query as a
whole name or code first (an indexed table of names).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import Stemmer

from beskgraph.search.documents import NodeDocument
from beskgraph.search.engine import SNIPPET_CHARS, Snippet, whole
from beskgraph.search.fields import FIELDS, SNIPPET_ORDER

WORD = re.compile(r"[^\W_]+")
NAMES = [field.name for field in FIELDS]


# Snowball's Danish stop words (the list tantivy's stop-word filter has).
STOP_WORDS = frozenset(
    """
og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har om vi min havde ham
hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her alle vil blev kunne ind når være
dog noget ville jo deres efter ned skulle denne end dette mit også under have dig anden hende mine alt meget
sit sine vor mod disse hvis din nogle hos blive mange ad bliver hendes været thi jer sådan""".split()
)


class Fts5Engine:
    """Node documents in an FTS5 table (stems) and a plain table (texts, for snippets)."""

    def __init__(self, path: Path | str = ":memory:") -> None:
        self.db = sqlite3.connect(str(path), check_same_thread=False)
        self.stemmer = Stemmer.Stemmer("danish")
        columns = ", ".join(NAMES)
        self.db.executescript(f"""
            CREATE VIRTUAL TABLE IF NOT EXISTS stems USING fts5({columns}, tokenize='unicode61');
            CREATE TABLE IF NOT EXISTS docs (rowid INTEGER PRIMARY KEY, iri TEXT UNIQUE, types TEXT,
                                             label TEXT, {", ".join(f"{n} TEXT" for n in NAMES)});
            CREATE TABLE IF NOT EXISTS names (name TEXT, doc INTEGER);
            CREATE INDEX IF NOT EXISTS names_name ON names (name);""")

    def stems(self, text: str) -> list[str]:
        return self.stemmer.stemWords(WORD.findall(text.lower()))

    def add(self, documents: Iterable[NodeDocument]) -> None:
        with self.db:
            for document in documents:
                texts = ["\n".join(document.texts.get(n, ())) for n in NAMES]
                cursor = self.db.execute(
                    f"INSERT INTO docs (iri, types, label, {', '.join(NAMES)}) VALUES (?, ?, ?, ?, ?, ?)",
                    (document.iri, " ".join(document.types), document.label, *texts),
                )
                self.db.execute(
                    f"INSERT INTO stems (rowid, {', '.join(NAMES)}) VALUES (?, ?, ?, ?)",
                    (cursor.lastrowid, *(" ".join(self.stems(t)) for t in texts)),
                )
                self.db.executemany(
                    "INSERT INTO names VALUES (?, ?)",
                    [
                        (whole(v), cursor.lastrowid)
                        for n in ("name", "alt")
                        for v in document.texts.get(n, ())
                    ],
                )

    def words(self, text: str) -> list[str]:
        tokens = WORD.findall(text.lower())
        kept = [t for t in tokens if t not in STOP_WORDS] or tokens
        return list(dict.fromkeys(self.stemmer.stemWords(kept)))

    def search(self, text: str, limit: int) -> tuple[int, list[tuple[float, str, Snippet]], bool]:
        """(matching in all, best ``limit`` with snippets, every word matched)."""
        words = self.words(text)
        if not words:
            return 0, [], True
        quoted = [f'"{w}"' for w in words]
        weights = ", ".join(str(field.weight) for field in FIELDS)
        for every in (True, False):
            match = (" AND " if every else " OR ").join(quoted)
            if len(words) > 1:
                match = f"({match}) OR NEAR({' '.join(quoted)}, 2)"
            total = self.db.execute("SELECT count(*) FROM stems WHERE stems MATCH ?", (match,)).fetchone()[0]
            if total or not every or len(words) == 1:
                break
        rows = self.db.execute(
            f"SELECT -bm25(stems, {weights}) + 1000 * (docs.rowid IN (SELECT doc FROM names WHERE name = ?)) "
            f"AS score, docs.iri, {', '.join('docs.' + n for n in NAMES)} "
            f"FROM stems JOIN docs ON docs.rowid = stems.rowid WHERE stems MATCH ? "
            f"ORDER BY score DESC, docs.iri LIMIT ?",
            (whole(text), match, limit),
        ).fetchall()
        hits = [
            (score, iri, self._snippet(dict(zip(NAMES, texts, strict=True)), set(words)))
            for score, iri, *texts in rows
        ]
        return total, hits, every

    def _snippet(self, texts: dict[str, str], words: set[str]) -> Snippet:
        for name in SNIPPET_ORDER:
            text = texts.get(name) or ""
            found = [m for m in WORD.finditer(text) if self.stemmer.stemWord(m.group().lower()) in words]
            if found:
                start = max(0, found[0].start() - SNIPPET_CHARS // 4)
                window = text[start : start + SNIPPET_CHARS]
                marks = tuple(
                    (m.start() - start, m.end() - start) for m in found if m.end() - start <= len(window)
                )
                return Snippet(window, marks)
        return Snippet("", ())

    def size(self) -> int:
        return self.db.execute("SELECT count(*) FROM docs").fetchone()[0]
