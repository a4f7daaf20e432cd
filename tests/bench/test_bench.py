"""The benchmark's synthetic corpus goes through the real parsers; its statistics are right."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from bench.corpus import generate
from bench.report import verdict
from bench.stats import growth_exponent, percentile
from beskgraph.build import build
from beskgraph.config import SEEDS_DIR
from beskgraph.reference import municipalities
from beskgraph.vocabulary import BG


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate(12, tmp_path_factory.mktemp("corpus"), SEEDS_DIR, seed=7)


@pytest.mark.integration  # a generated corpus
def test_the_same_seed_gives_the_same_text(corpus: list[Path], tmp_path: Path) -> None:
    again = generate(12, tmp_path, SEEDS_DIR, seed=7)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in corpus]
    other = generate(12, tmp_path / "other", SEEDS_DIR, seed=8)
    assert [p.read_bytes() for p in other] != [p.read_bytes() for p in corpus]


@pytest.mark.integration  # a generated corpus
def test_generated_text_builds_with_the_real_parsers(corpus: list[Path]) -> None:
    result = build(corpus)
    assert not result.failed
    assert result.kinds() == {"catalogue-card": 11, "correspondence": 1}
    graph = Graph()
    for named in result.dataset.graphs():
        graph += named
    names = {m.name for m in municipalities()}
    cards = [p for p in corpus if p.name.endswith("_card.txt")]
    first_lines = {p.read_text(encoding="utf-8").split("\n", 1)[0] for p in cards}
    assert first_lines <= names and len(first_lines) > 3  # other municipalities than the seeds'
    interventions = set(graph.subjects(RDF.type, BG.Intervention))
    assert len(interventions) == 11  # every title made unique
    # the re-drawn answers and the rewritten scores agree: the Evidenstest reproduces
    evidence = [
        t for t in graph.subjects(BG.testKind, BG.EvidenceTest) if (t, RDF.type, BG.TestResult) in graph
    ]
    assert len(evidence) == 11 and all((t, BG.scoreReproduces, Literal(True)) in graph for t in evidence)


@pytest.mark.integration  # a generated corpus
def test_answers_are_redrawn_with_matching_thresholds(corpus: list[Path]) -> None:
    seed_answers = re.findall(
        r"• (Ja|Delvist|Nej): (.*)", (SEEDS_DIR / "000_2ad044e4a048410a.txt").read_text()
    )
    card = corpus[0].read_text(encoding="utf-8")
    answers = re.findall(r"• (Ja|Delvist|Nej): (.*)", card)
    assert len(answers) == len(seed_answers) and answers != seed_answers
    for label, text in answers:
        if re.search(r"ud af 10", text):
            expected = {"Ja": "mindst 9", "Delvist": "mindst 7", "Nej": "færre end 7"}[label]
            assert expected in text.lower(), (label, text)


@pytest.mark.integration  # a generated corpus
def test_correspondence_gets_other_municipalities_years_and_people(corpus: list[Path]) -> None:
    seed = (SEEDS_DIR / "003_aec37f0f2b66ca76.txt").read_text(encoding="utf-8")
    letters = next(p for p in corpus if p.name.endswith("_letters.txt")).read_text(encoding="utf-8")
    assert len(letters.splitlines()) == len(seed.splitlines())
    assert "Troels Lund Poulsen" in seed and "Troels Lund Poulsen" not in letters
    assert "Rudersdal" in seed and "Rudersdal" not in letters


def test_percentile_and_growth_exponent() -> None:
    assert percentile([3, 1, 2, 4], 50) == 2.5
    assert percentile([1, 2, 3, 4, 5], 95) == pytest.approx(4.8)
    sizes = [100, 1000, 10000]
    assert growth_exponent(sizes, [2 * n for n in sizes]) == pytest.approx(1.0)
    assert growth_exponent(sizes, [n * n for n in sizes]) == pytest.approx(2.0)
    assert math.isnan(growth_exponent([100], [1.0]))


def test_verdicts_say_by_how_much_and_when_nothing_was_measured() -> None:
    assert verdict(1.0, 1.1) == "met (1.00 ≤ 1.1)"
    assert verdict(50.0, 25.0, " ms") == "**missed** (50.00 ms > 25 ms, 2.0× the target)"
    assert verdict(math.nan, 1.1).startswith("not measured")
