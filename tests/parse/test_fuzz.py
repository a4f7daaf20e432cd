"""Every parser, fuzzed: random text and bytes, truncated and shuffled documents, and huge
inputs. No unhandled exception, ever: every outcome is a result or a reported problem
(a SourceError naming file and line, or a problem of a document left out)."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beskgraph.build import build
from beskgraph.config import SEEDS_DIR
from beskgraph.model.card import Card
from beskgraph.model.common import MAX_WARNINGS, DocumentKind, ParsedDocument
from beskgraph.model.correspondence import Correspondence
from beskgraph.model.publication import Publication
from beskgraph.parse import detect_kind, parse_source
from beskgraph.parse.card import parse_card
from beskgraph.parse.citations import find_citations
from beskgraph.parse.criteria import cluster_criteria, criterion_key
from beskgraph.parse.dates import find_dates, parse_date
from beskgraph.parse.letters import parse_correspondence
from beskgraph.parse.publication import read_publication
from beskgraph.text import SourceError, SourceText
from tests.support.paths import CORPUS

# integration: a long fuzz search
pytestmark = pytest.mark.integration

settings.register_profile("ci", derandomize=True, print_blob=True)  # CI: the same examples every run
settings.load_profile("ci" if os.environ.get("CI") else "default")


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _readable() -> list[str]:
    texts = []
    for path in sorted(SEEDS_DIR.iterdir()) + sorted(CORPUS.iterdir()):
        try:
            texts.append(SourceText.read(path).text)
        except SourceError:
            continue
    return texts


DOCUMENTS = _readable()
# pieces of every kind of document, so random text often looks like one
PIECES = [
    "\n",
    " ",
    "•",
    " • Ja: ",
    " • Nej: ",
    " • Delvist: ",
    "I mindst 9 ud af 10 samtaler ",
    "Færre end 7 ud af 10",
    "\n4,3\nEvidenstest\n",
    "\n3,1\nGod praksis test\n",
    "Evidenstest vedr. ledige",
    "Middelfart\n",
    "Dokumenter",
    "Se alle svar",
    "Kommunens beskrivelse af indsatsen\n",
    "Gode råd\n",
    "Kære borgmester\n",
    "Venlig hilsen\n",
    "Dato: 31. august 2018\n",
    "J.nr. 2018 - 3729\n",
    "2567877_0003.png\n",
    "31. august 2018",
    "2. halvår 2018",
    "ultimo maj",
    "senest om 6 måneder",
    "1/3-2022",
    "LBK nr. 1342 af 20. november 2016 § 16a, stk. 1",
    "samme lovs § 17",
    "§ 6, nr. 1",
    "120 borgere",
    "42 %",
    "18 procent",
    "45 mio. kr.",
    "brevet af 29. januar 2018",
    "borgmester Kirsten Jensen",
    "Pressemeddelelse\n",
    "Spørgsmål nr. 118:\n",
    "Svar:\n",
    "Forside > Borger\n",
    "Senest opdateret: 3. april 2024\n",
    "Folketingets Beskæftigelsesudvalg\n",
    "Køge Kommune",
    "Ærø",
    "2O18",
    "æøåÆØÅé",
    "\r\n",
    "\t",
    "\x0c",
    "\u2028",
    "\u00ad",
    "\x7f",
    "0",
    "9",
    ",",
    ".",
    ":",
    "-",
    "–",
    '"',
    "\\",
    "<",
    "{",
]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=120).map("".join)


@st.composite
def mangled(draw: st.DrawFn) -> str:
    """A real document truncated anywhere, its lines shuffled, or lines of several mixed."""
    text = draw(st.sampled_from(DOCUMENTS))
    lines = text.split("\n")
    how = draw(st.sampled_from(["truncate", "shuffle", "mix", "drop"]))
    if how == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    if how == "shuffle":
        return "\n".join(draw(st.permutations(lines)))
    if how == "drop":
        return "\n".join(line for line in lines if draw(st.booleans()))
    other = draw(st.sampled_from(DOCUMENTS)).split("\n")
    return "\n".join(draw(st.lists(st.sampled_from(lines + other), max_size=200)))


inputs = st.one_of(texts, mangled())


def source(text: str) -> SourceText:
    return SourceText(Path("fuzz.txt"), text)


def assert_located(error: SourceError) -> None:
    assert error.path.name == "fuzz.txt" and error.reason
    assert error.line is None or error.line >= 1


@fuzz(150)
@given(inputs)
def test_card_parser(text: str) -> None:
    try:
        card = parse_card(source(text))
    except SourceError as error:
        assert_located(error)
        return
    assert isinstance(card, Card) and card.title.value
    for test in card.tests:
        assert all(0 <= a.span.start <= a.span.end <= len(text) for a in test.assessments)


@fuzz(80)
@given(inputs)
def test_correspondence_parser(text: str) -> None:
    try:
        document = parse_correspondence(source(text))
    except SourceError as error:
        assert_located(error)
        return
    assert isinstance(document, Correspondence) and document.letters


@fuzz(150)
@given(inputs, st.sampled_from(list(DocumentKind)))
def test_generic_reader_reads_any_text(text: str, kind: DocumentKind) -> None:
    document = read_publication(source(text), kind)
    assert isinstance(document, Publication) and document.kind is kind
    spans = (
        [m.span for m in document.municipalities]
        + [r.span for r in document.letters]
        + [f.span for f in document.figures]
        + [p.span for p in document.persons]
    )
    assert all(0 <= s.start <= s.end <= len(text) for s in spans)
    assert all(text[m.span.start : m.span.end] == m.surface for m in document.municipalities)


@fuzz(150)
@given(inputs)
def test_kind_detection_and_parse_never_fail_but_with_a_located_reason(text: str) -> None:
    src = source(text)
    if not text.strip():
        try:
            detect_kind(src)
        except SourceError as error:
            assert error.reason == "empty document"
        return
    detect_kind(src)
    try:
        document = parse_source(src)
    except SourceError as error:
        assert_located(error)
        assert "parser failed" not in error.reason  # the safety net caught a parser bug
        return
    assert isinstance(document, ParsedDocument)
    assert not any("parser failed" in w.message for w in document.warnings)  # nor the fallback


@fuzz(200)
@given(texts, st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))))
def test_dates(text: str, anchor: dt.date | None) -> None:
    found = find_dates(text, anchor)
    for item in found:
        assert 0 <= item.begin <= item.finish <= len(text) and text[item.begin : item.finish] == item.text
        assert item.start <= item.end
    assert [f.begin for f in found] == sorted(f.begin for f in found)
    assert parse_date(text, anchor) is None or isinstance(parse_date(text, anchor), dt.date)


@fuzz(200)
@given(texts)
def test_citations(text: str) -> None:
    for citation in find_citations(text):
        assert text[citation.span.start : citation.span.end] == citation.text
        assert citation.number >= 0 and citation.act_type in {"LOV", "LBK", "BEK"}


@fuzz(100)
@given(st.lists(st.tuples(st.sampled_from(["evidence", "good-practice"]), texts), max_size=12))
def test_criteria(answers: list[tuple[str, str]]) -> None:
    keyed = [(kind, criterion_key(text)) for kind, text in answers]
    clusters = cluster_criteria(keyed)
    assert set(clusters) == set(keyed)
    assert all(clusters[k].kind == k[0] for k in keyed)


@fuzz(200)
@given(
    st.one_of(
        st.binary(max_size=4000),
        texts.map(lambda t: t.encode("utf-16")),
        mangled().map(lambda t: t.encode("cp1252", "replace")),
    )
)
def test_decoding_any_bytes(raw: bytes) -> None:
    try:
        decoded = SourceText.from_bytes(Path("fuzz.txt"), raw)
    except SourceError as error:
        assert_located(error)
        return
    assert decoded.text.strip() and "\r" not in decoded.text and "\x00" not in decoded.text


@fuzz(12)
@given(st.one_of(mangled(), texts))
def test_the_whole_pipeline_builds_or_leaves_the_document_out(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.txt"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        result = build([path], workers=1)
        (outcome,) = result.documents
        assert outcome.ok or outcome.error
        data = result.serialise("trig")
        assert len(list(ox.parse(data, format=ox.RdfFormat.TRIG))) == result.triples


# ---------------------------------------------------------------------------
# Huge inputs: a result (or a problem) of bounded size; their speed is measured in bench/


def test_a_card_with_a_huge_tail_keeps_its_warnings_bounded() -> None:
    text = (SEEDS_DIR / "000_2ad044e4a048410a.txt").read_text(encoding="utf-8")
    card = parse_card(source(text.rstrip("\n") + "\n" + "Ekstra linje fra en fejlkopi.\n" * 60_000))  # 1.8 MB
    assert isinstance(card, Card) and len(card.tests) == 2
    assert len(card.warnings) == MAX_WARNINGS and card.more_warnings == 60_000 - MAX_WARNINGS


def test_huge_texts_of_every_kind_give_a_result() -> None:
    prose = "Jobcentret i Køge holdt 120 samtaler med ledige, jf. LBK nr. 1342 af 20. november 2016 § 16a.\n"
    for name in (
        "svar_beu_spoergsmaal_118.txt",
        "webside_star_fleksjob.txt",
        "notat_samarbejde_a_kasser_latin1.txt",
    ):
        document = parse_source(source(SourceText.read(CORPUS / name).text + prose * 5_000))  # 0.5 MB
        assert isinstance(document, Publication) and document.municipalities[0].code
    one_line = parse_source(source("Notat\n" + "møde 1. maj 2018, " * 50_000))  # one line of 0.9 MB
    assert isinstance(one_line, Publication)
    letters = parse_source(
        source(
            (SEEDS_DIR / "003_aec37f0f2b66ca76.txt").read_text(encoding="utf-8")
            + "Vi følger op på tallene hver måned i udvalget.\n" * 4_000
        )
    )
    assert isinstance(letters, Correspondence) and len(letters.letters) > 5


def test_a_percentage_table_cut_short_by_the_closing_is_read() -> None:
    # found by the test above (shrunk): a header, a label, one value, then the closing; the
    # table reader took the closing for the header of a column whose values were missing
    text = (
        "desuden tilført øvrige interne ressourcer i form af 7-10 timer\nbaseret på de seneste "
        "ledighedstal fra 29. juni.\n0,5%\nMed venlig hilsen"
    )
    document = parse_correspondence(source(text))
    assert [(f.value, f.subject) for f in document.figures] == [
        (0.5, "baseret på de seneste ledighedstal fra 29. juni.")
    ]
