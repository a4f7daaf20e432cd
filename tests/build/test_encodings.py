"""Encodings: UTF-8 with or without BOM, UTF-16, UTF-32, cp1252 / Latin-1 and CRLF line ends
are decoded, and the graph (every span's offsets and exact text) is the same as from
UTF-8; what cannot be decoded is left out with a clear reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from beskgraph.build import BuildResult, build
from beskgraph.model.common import Stage
from beskgraph.parse import parse_document
from beskgraph.rdf import iris
from beskgraph.text import SourceError, SourceText
from tests.support.paths import CORPUS

CARD = SourceText.read(CORPUS / "kort_vejle_crlf.txt").text  # decoded, line ends made \n
NOTE = SourceText.read(CORPUS / "notat_samarbejde_a_kasser_latin1.txt").text


def graph_lines(result: BuildResult) -> list[bytes]:
    """The document's N-Quads without the lines that hash its bytes (the only difference)."""
    (chunk,) = [c for c in result.chunks if c.name == str(iris.named_graph("kort.txt"))]
    return [line for line in chunk.nquads if b"contentHash" not in line and b"graphDigest" not in line]


def _of_a_warning(line: bytes) -> bool:
    """A line of a document's problem (a warning) or of its status (valid, with warnings or not)."""
    return b"roblem" in line or b"#documentStatus>" in line


@pytest.fixture(scope="module")
def utf8_lines(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    path = tmp_path_factory.mktemp("utf8") / "kort.txt"
    path.write_bytes(CARD.encode("utf-8"))
    return graph_lines(build([path]))


@pytest.mark.parametrize(
    ("encoding", "line_end", "decoded_as"),
    [
        ("utf-8-sig", "\n", "utf-8"),
        ("utf-8", "\r\n", "utf-8"),
        ("utf-16", "\r\n", "utf-16"),
        ("utf-16-le", "\n", "utf_16_le"),
        ("utf-32", "\n", "utf-32"),
        ("cp1252", "\r\n", "cp1252"),
    ],
)
def test_the_same_card_in_any_encoding_gives_the_same_graph(
    tmp_path: Path, utf8_lines: list[bytes], encoding: str, line_end: str, decoded_as: str
):
    path = tmp_path / "kort.txt"
    path.write_bytes(CARD.replace("\n", line_end).encode(encoding))
    result = build([path])
    (outcome,) = result.documents
    assert outcome.ok and outcome.encoding == decoded_as
    assert graph_lines(result) == utf8_lines  # same triples: every span's offsets and exact text


def test_a_utf8_card_with_lines_of_cp1252_gives_the_same_graph_and_names_those_lines(
    tmp_path: Path, utf8_lines: list[bytes]
):
    """A few lines pasted from a cp1252 file into a UTF-8 one were read as the whole file in a
    Cyrillic code page (every æ, ø and å wrong, the card read as other text)."""
    lines = CARD.split("\n")
    pasted = [n for n, line in enumerate(lines) if any(c in line for c in "æøåÆØÅ")][1:3]
    raw = b"\n".join(line.encode("cp1252" if n in pasted else "utf-8") for n, line in enumerate(lines))
    path = tmp_path / "kort.txt"
    path.write_bytes(raw)
    result = build([path])
    (outcome,) = result.documents
    assert outcome.ok and outcome.encoding == "utf-8"
    found = graph_lines(result)
    assert [line for line in found if not _of_a_warning(line)] == [
        line for line in utf8_lines if not _of_a_warning(line)
    ]
    assert any(b"read as cp1252" in line for line in found)  # the warning, in the graph too
    assert any(
        b"documentStatus> <https://w3id.org/beskgraph/ontology#ValidWithWarnings>" in line for line in found
    )
    (warning,) = [p for p in outcome.problems if p.stage is Stage.READ]
    assert (warning.line, warning.message) == (
        pasted[0] + 1,
        f"bytes that are not utf-8 read as cp1252 (also lines {pasted[1] + 1})",
    )


def test_latin1_text_is_read_and_its_spans_point_at_the_decoded_characters(tmp_path: Path):
    path = tmp_path / "notat.txt"
    path.write_bytes(NOTE.encode("latin-1"))
    document = parse_document(path)
    assert document.source.text == NOTE
    mention = document.municipalities[0]
    assert (mention.surface, document.source.slice(mention.span)) == ("Næstved", "Næstved")


def test_the_committed_corpus_decodes_as_saved():
    expected = {
        "kort_kolding_utf16.txt": "utf-16",
        "kort_fredericia_cp1252.txt": "cp1252",
        "kort_horsens_utf8_bom.txt": "utf-8",
        "kort_vejle_crlf.txt": "utf-8",
        "notat_samarbejde_a_kasser_latin1.txt": "cp1252",
    }
    for name, encoding in expected.items():
        source = SourceText.read(CORPUS / name)
        assert source.encoding == encoding, name
        assert "\r" not in source.text and not source.text.startswith("\ufeff")


@pytest.mark.parametrize(
    ("raw", "line", "reason"),
    [
        (b"", 1, "empty document"),
        (b" \n\t\n", 1, "empty document"),
        ("\ufeff \n".encode("utf-16"), 1, "empty document"),
        (b"Notat\n\x00\x01\x02 noget", 2, "binary data, not text (3 control characters"),
        (
            "\ufeffBrev\nnr. 2\n".encode("utf-16-le") + b"\x00\xd8",
            3,
            "starts with a utf-16 byte-order mark but is not utf-16",
        ),
        (bytes(range(256)) * 8, 1, "binary data, not text"),
    ],
)
def test_what_cannot_be_decoded_is_named_with_its_line(tmp_path: Path, raw: bytes, line: int, reason: str):
    path = tmp_path / "x.txt"
    path.write_bytes(raw)
    with pytest.raises(SourceError) as error:
        SourceText.read(path)
    assert (error.value.line, error.value.reason[: len(reason)]) == (line, reason)
    (outcome,) = build([path]).documents
    (problem,) = outcome.problems
    assert (problem.stage, problem.line) == (Stage.READ, line) and problem.message.startswith(reason)


def test_a_document_over_the_size_limit_is_left_out_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BESKGRAPH_MAX_DOCUMENT_BYTES", "1000")
    path = tmp_path / "stor.txt"
    path.write_bytes(CARD.encode("utf-8"))
    (outcome,) = build([path]).documents
    assert not outcome.ok and outcome.content_hash  # hashed as a stream, never decoded
    assert outcome.error == (
        f"stor.txt: document of {len(CARD.encode()):,} bytes is over the limit of 1,000 "
        "(BESKGRAPH_MAX_DOCUMENT_BYTES)"
    )
