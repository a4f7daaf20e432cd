"""The full-text engine: a tantivy index of node documents, Danish stemming, BM25 per field.

Text is split on letters and digits, lower-cased and stemmed with Snowball's Danish
stemmer (``samtaler``, ``samtalen`` and ``samtale`` are all ``samtal``), in the index
and in queries alike. A query matches a node when every word of it (Danish stop words
left out, unless that leaves none) occurs in one of its fields; when no node has every
word, nodes with any word are returned instead (``Matches.every_word`` says which).
Scores are BM25 per field times the field's weight, plus the same again for the words
standing together as a phrase (at most two words apart), plus a bonus when the query is
one of the node's names or codes as a whole (``Middelfart`` finds the municipality before
the many texts that mention it). Ties are broken by a fixed key per IRI (a hash), read
from a fast field, so the order is total and stable. Why tantivy and not SQLite FTS5:
docs/search.md.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import tantivy

from beskgraph.search.documents import NodeDocument
from beskgraph.search.fields import FIELDS, SNIPPET_ORDER

ANALYZER = "da_stem"
WRITER_HEAP = 50_000_000  # bytes the writer buffers before it flushes a segment
SNIPPET_CHARS = 200
PHRASE_SLOP = 2
MAX_WORDS = 32  # words of a query used (longer queries are cut)
EXACT_BOOST = 10.0  # the query equal to a whole name or code
MAX_NAME = 300  # characters: a longer query is no name


def _analyzer(*, stop_words: bool) -> tantivy.TextAnalyzer:
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.remove_long(60))
    builder = builder.filter(tantivy.Filter.lowercase())
    if stop_words:
        builder = builder.filter(tantivy.Filter.stopword("danish"))
    return builder.filter(tantivy.Filter.stemmer("danish")).build()


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("iri", stored=True, tokenizer_name="raw")
    builder.add_text_field("types", stored=True, tokenizer_name="raw")
    builder.add_text_field("label", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("exact", tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("key", fast=True)
    for field in FIELDS:
        builder.add_text_field(field.name, stored=True, tokenizer_name=ANALYZER)
    return builder.build()


@dataclass(frozen=True)
class Snippet:
    """A passage of a node's text; ``highlights`` are the (start, end) character ranges that matched."""

    text: str
    highlights: tuple[tuple[int, int], ...]

    def parts(self) -> list[tuple[str, bool]]:
        """The text in pieces, each marked whether it is a highlight (for templates)."""
        pieces, at = [], 0
        for start, end in self.highlights:
            if start > at:
                pieces.append((self.text[at:start], False))
            pieces.append((self.text[start:end], True))
            at = end
        if at < len(self.text):
            pieces.append((self.text[at:], False))
        return pieces


@dataclass(frozen=True)
class Hit:
    """One ranked node: its IRI, classes (sorted), label, score and snippet."""

    iri: str
    types: tuple[str, ...]
    label: str
    score: float
    snippet: Snippet


@dataclass(frozen=True)
class Matches:
    """The best hits of a query up to a limit (score, then key), and how many matched in all."""

    total: int
    hits: list[tuple[float, int, tantivy.DocAddress]]
    every_word: bool


def tie_key(iri: str) -> int:
    """The fixed position of a node among nodes of equal score."""
    return int.from_bytes(hashlib.sha256(iri.encode()).digest()[:8], "big") >> 1  # an int64 too


def whole(text: str) -> str:
    """A name or query as compared whole: case-folded, spaces collapsed."""
    return " ".join(text.casefold().split())


class Engine:
    """A tantivy index in memory (or in ``path``); one writer, searchers per call."""

    def __init__(self, path: Path | None = None) -> None:
        self.schema = _schema()
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=str(path) if path else None, reuse=False)
        self.index.register_tokenizer(ANALYZER, _analyzer(stop_words=False))
        self._query_words = _analyzer(stop_words=True)
        self._all_words = _analyzer(stop_words=False)
        self._writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=1)
        self._lock = threading.Lock()  # one change at a time
        # each node's tie key -> its IRI, to read matches' IRIs without their documents; never
        # shrunk (a key always names the same IRI), so a search racing a change reads no hole
        self._iris: dict[int, str] = {}

    # -- writing ---------------------------------------------------------------------

    def replace(self, remove: Iterable[str], documents: Iterable[NodeDocument]) -> None:
        """Delete the nodes ``remove``, add ``documents``, and make it visible (one commit)."""
        with self._lock:
            for iri in remove:
                self._writer.delete_documents_by_term("iri", iri)
            for document in documents:
                self._writer.add_document(self._document(document))
                self._iris[tie_key(document.iri)] = document.iri
            self._writer.commit()
            self.index.reload()

    def clear(self) -> None:
        with self._lock:
            self._writer.delete_all_documents()
            self._writer.commit()
            self.index.reload()

    @staticmethod
    def _document(node: NodeDocument) -> tantivy.Document:
        names = [whole(v) for name in ("name", "alt") for v in node.texts.get(name, ())]
        fields: dict[str, object] = {
            "iri": node.iri,
            "types": list(node.types),
            "label": node.label,
            "exact": names,
            "key": tie_key(node.iri),
        }
        for field in FIELDS:
            if node.texts.get(field.name):
                fields[field.name] = list(node.texts[field.name])
        return tantivy.Document(**fields)

    # -- searching -------------------------------------------------------------------

    def words(self, text: str) -> list[str]:
        """The query's stemmed words (stop words out unless only they are left), each once."""
        words = self._query_words.analyze(text) or self._all_words.analyze(text)
        return list(dict.fromkeys(words))[:MAX_WORDS]

    def query(
        self, text: str, words: Sequence[str], types: Sequence[str] | None, *, every_word: bool
    ) -> tantivy.Query:
        """Every (or any) word in some field, weighted per field; phrase and whole-name bonuses;
        a class filter."""
        occur = tantivy.Occur.Must if every_word else tantivy.Occur.Should
        clauses = [(occur, self._word(word)) for word in words]
        if len(text) <= MAX_NAME:
            exact = tantivy.Query.term_query(self.schema, "exact", whole(text))
            clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(exact, EXACT_BOOST)))
        if len(words) > 1:
            for field in FIELDS:
                phrase = tantivy.Query.phrase_query(self.schema, field.name, list(words), slop=PHRASE_SLOP)
                clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(phrase, field.weight)))
        matching = tantivy.Query.boolean_query(clauses)
        if not types:
            return matching
        wanted = tantivy.Query.term_set_query(self.schema, "types", list(types))
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, matching), (tantivy.Occur.Must, wanted)])

    def _word(self, word: str) -> tantivy.Query:
        return tantivy.Query.boolean_query(
            [
                (
                    tantivy.Occur.Should,
                    tantivy.Query.boost_query(
                        tantivy.Query.term_query(self.schema, field.name, word), field.weight
                    ),
                )
                for field in FIELDS
            ]
        )

    def matches(
        self, text: str, types: Sequence[str] | None, limit: int, *, fallback: bool = True
    ) -> tuple[Matches, tantivy.Query | None]:
        """The best ``limit`` matches (every word, else, with ``fallback``, any word) and the query
        that found them."""
        words = self.words(text)
        if not words:
            return Matches(0, [], True), None
        searcher = self.index.searcher()
        for every_word in (True, False):
            query = self.query(text, words, types, every_word=every_word)
            found = searcher.search(query, limit, count=True)
            total: int = found.count  # type: ignore[attr-defined]  # tantivy's stubs lack it (count=True)
            if total or not every_word or len(words) == 1 or not fallback:
                addresses = [address for _, address in found.hits]
                keys = searcher.fast_field_values("key", addresses) if addresses else []
                hits = [
                    (float(score), int(key or 0), address)
                    for (score, address), key in zip(found.hits, keys, strict=True)
                ]
                hits.sort(key=lambda hit: (-hit[0], hit[1]))
                return Matches(total, hits, every_word), query
        raise AssertionError("unreachable")

    def iri(self, key: int) -> str:
        """The IRI of the node with this tie key (a match's second member)."""
        return self._iris[key]

    def hits(
        self, matches: Sequence[tuple[float, int, tantivy.DocAddress]], query: tantivy.Query
    ) -> list[Hit]:
        """Hits with their stored fields and a highlighted snippet."""
        searcher = self.index.searcher()
        generators: dict[str, tantivy.SnippetGenerator] = {}
        out = []
        for score, _, address in matches:
            document = searcher.doc(address)
            stored = document.to_dict()
            out.append(
                Hit(
                    stored["iri"][0],
                    tuple(stored.get("types", ())),
                    (stored.get("label") or [""])[0],
                    score,
                    self._snippet(searcher, query, document, stored, generators),
                )
            )
        return out

    def _snippet(
        self,
        searcher: tantivy.Searcher,
        query: tantivy.Query,
        document: tantivy.Document,
        stored: dict[str, list[str]],
        generators: dict[str, tantivy.SnippetGenerator],
    ) -> Snippet:
        for name in SNIPPET_ORDER:
            if not stored.get(name):
                continue
            generator = generators.get(name)
            if generator is None:
                generator = tantivy.SnippetGenerator.create(searcher, query, self.schema, name)
                generator.set_max_num_chars(SNIPPET_CHARS)
                generators[name] = generator
            snippet = generator.snippet_from_doc(document)
            if snippet.highlighted():
                return _characters(snippet)
        first = next((stored[name][0] for name in SNIPPET_ORDER if stored.get(name)), "")
        return Snippet(first[:SNIPPET_CHARS], ())

    def size(self) -> int:
        """Documents in the index."""
        return self.index.searcher().num_docs


def _characters(snippet: tantivy.Snippet) -> Snippet:
    """tantivy's snippet with its UTF-8 byte ranges turned into character ranges."""
    text = snippet.fragment()
    encoded = text.encode()
    ranges = sorted((h.start, h.end) for h in snippet.highlighted())
    return Snippet(
        text,
        tuple(
            (len(encoded[:start].decode(errors="ignore")), len(encoded[:end].decode(errors="ignore")))
            for start, end in ranges
        ),
    )
