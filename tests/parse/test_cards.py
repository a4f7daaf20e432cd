"""The catalogue-card parser over the four seed cards and variants of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from beskgraph.config import SEEDS_DIR
from beskgraph.model.card import Answer, Card, Section, TargetGroupKind, TestKind
from beskgraph.model.common import DocumentKind
from beskgraph.parse import detect_kind, parse_document
from beskgraph.parse.card import parse_card
from beskgraph.reference import find_municipality
from beskgraph.text import SourceError, SourceText

MIDDELFART, TAARNBY, SKANDERBORG, KALUNDBORG = (
    "000_2ad044e4a048410a.txt",
    "001_0790efc861254765.txt",
    "002_d90a65f16f5ed762.txt",
    "004_730bd07cf616a49a.txt",
)
APPENDIX = "003_aec37f0f2b66ca76.txt"


def card(name: str) -> Card:
    parsed = parse_document(SEEDS_DIR / name)
    assert isinstance(parsed, Card)
    return parsed


def result_of(card_: Card, kind: TestKind):
    return next(t for t in card_.tests if t.kind is kind)


def test_middelfart_evidence_test_is_43_with_five_yes_and_two_partial():
    evidence = result_of(card(MIDDELFART), TestKind.EVIDENCE)
    assert evidence.score == 4.3
    answers = [a.answer for a in evidence.assessments]
    assert answers.count(Answer.YES) == 5 and answers.count(Answer.PARTIAL) == 2
    assert len(answers) == 7
    assert evidence.scope.value == "dagpengemodtagere med længerevarende ledighed"
    assert evidence.computed_score == 4.3


def test_middelfart_card_header_sections_and_target_groups():
    middelfart = card(MIDDELFART)
    assert middelfart.municipality_code == "410"
    assert middelfart.title.value == "Skærpet fokus på langtidsledighed ved 24 ugers ledighed"
    assert [(g.label, g.kind) for g in middelfart.target_groups] == [
        ("Ledige", TargetGroupKind.BROAD),
        ("§6.1 Dagpengemodtagere", TargetGroupKind.LEGAL),
        ("Længerevarende ledige", TargetGroupKind.SEGMENT),
        ("Alle målgrupper", TargetGroupKind.CATCH_ALL),
    ]
    legal = middelfart.target_groups[1]
    assert (legal.notation, legal.paragraph, legal.item) == ("§6.1", "6", "1")
    # the empty "Ledelsens anbefaling" is absent, not an empty string
    assert Section.MANAGEMENT not in middelfart.sections
    assert middelfart.sections[Section.ADVICE].value == "Vil blive opdateret, når erfaringen er lidt større."


def test_bullets_keep_their_line_breaks():
    description = card(MIDDELFART).sections[Section.DESCRIPTION].value
    assert description.startswith("• På baggrund af en svagt stigende langtidsledighed")
    assert "\n\nIndsats 24. uge\n• Er der ved 24 ugers ledighed" in description


def test_spans_point_at_the_exact_source_text():
    middelfart = card(MIDDELFART)
    source = middelfart.source
    assert source.slice(middelfart.title.span) == middelfart.title.value
    first = result_of(middelfart, TestKind.EVIDENCE).assessments[0]
    assert source.slice(first.span) == first.text
    assert source.line_of(first.span.start) == 46


def test_page_noise_never_reaches_a_text_value():
    noise = ("Se alle svar", "Se færre svar", "Dokumenter", "Evidenstest\n", "God praksis test\n")
    for name in (MIDDELFART, TAARNBY, SKANDERBORG, KALUNDBORG):
        parsed = card(name)
        texts = [s.value for s in parsed.sections.values()] + [parsed.title.value]
        texts += [a.text for t in parsed.tests for a in t.assessments]
        for text in texts:
            assert not any(n in text for n in noise), (name, text[:80])
            assert not text.startswith(("Evidenstest", "God praksis test"))


def test_taarnby_six_out_of_ten_answer_has_threshold_six():
    evidence = result_of(card(TAARNBY), TestKind.EVIDENCE)
    six = [a for a in evidence.assessments if "mindst 6 ud af 10" in a.text]
    assert len(six) == 1
    assert six[0].threshold == 6 and six[0].answer is Answer.YES
    assert card(TAARNBY).target_groups[1].notation == "§6.3"


def test_skanderborg_unlabelled_answer_is_an_inferred_no():
    parsed = card(SKANDERBORG)
    good_practice = result_of(parsed, TestKind.GOOD_PRACTICE)
    inferred = [a for a in good_practice.assessments if a.inferred]
    assert len(inferred) == 1
    assert inferred[0].answer is Answer.NO
    assert inferred[0].threshold == 7
    assert inferred[0].text.startswith("Færre end 7 ud af 10 borgere i løntilskud")
    assert any("without its label" in w.message and w.line == 77 for w in parsed.warnings)


def test_kalundborg_scores_published_and_recomputed():
    kalundborg = card(KALUNDBORG)
    evidence, good_practice = (
        result_of(kalundborg, TestKind.EVIDENCE),
        result_of(kalundborg, TestKind.GOOD_PRACTICE),
    )
    assert (evidence.score, evidence.computed_score) == (2.5, 2.5)
    assert (good_practice.score, good_practice.computed_score) == (4.2, 4.1)


@pytest.mark.parametrize(
    ("name", "published", "computed"),
    [
        (MIDDELFART, 4.3, 4.3),
        (TAARNBY, 3.6, 3.6),
        (SKANDERBORG, 0.6, 0.6),
        (KALUNDBORG, 2.5, 2.5),
    ],
)
def test_evidence_test_reproduces_on_every_card(name, published, computed):
    evidence = result_of(card(name), TestKind.EVIDENCE)
    assert (evidence.score, evidence.computed_score) == (published, computed)


def test_appendix_is_not_a_card():
    with pytest.raises(SourceError):
        parse_card(SourceText.read(SEEDS_DIR / APPENDIX))


def test_a_text_of_no_known_kind_is_read_as_other_text(tmp_path: Path):
    # an unknown kind is no reason to drop a document: the generic reader takes it in
    path = tmp_path / "notes.txt"
    path.write_text("\n\nEn indkøbsliste\nmælk\n", encoding="utf-8")
    assert detect_kind(SourceText.read(path)).kind is DocumentKind.OTHER
    document = parse_document(path)
    assert document.kind is DocumentKind.OTHER and document.title.value == "En indkøbsliste"


def test_unknown_municipality_is_an_error_naming_the_line(tmp_path: Path):
    text = (SEEDS_DIR / MIDDELFART).read_text(encoding="utf-8").replace("Middelfart", "Atlantis", 1)
    path = tmp_path / "atlantis.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=r"atlantis.txt:1: first line 'Atlantis'"):
        parse_card(SourceText.read(path))
    # the document is not lost: it is read as other text, and the warning says why
    document = parse_document(path)
    assert document.kind is DocumentKind.OTHER
    assert (document.warnings[0].line, document.warnings[0].message) == (
        1,
        "read as other text: as catalogue-card it could not be read: first line 'Atlantis' is not a known "
        "municipality",
    )


def test_variant_without_header_noise_with_wrapped_bullet_and_management_text(tmp_path: Path):
    text = "\n".join(
        [
            "Høje-Taastrup",
            "",
            "Et nyt forløb for sygemeldte",
            "",
            " • Sygemeldte",
            " • §6.6 Sygedagpengemodtagere",
            "",
            "Kommunens beskrivelse af indsatsen",
            "",
            "Vi gør noget godt.",
            "",
            "Ledelsens anbefaling",
            "",
            "Vi anbefaler indsatsen.",
            "",
            "Evidenstest",
            "",
            "2,5",
            "Evidenstest",
            "",
            "Evidenstest vedr. sygedagpengemodtagere",
            "",
            " • Ja: Mindst 9 ud af 10 borgere får en samtale",
            "   inden for de første 2 uger",
            "Se alle svar",
            " • Nej: Færre end 7 ud af 10 borgere får samtaler hver 2. uge",
            "Se færre svar",
            "",
            "Dokumenter",
        ]
    )
    path = tmp_path / "variant.txt"
    path.write_text(text, encoding="utf-8")
    parsed = parse_document(path)
    assert isinstance(parsed, Card)
    assert parsed.municipality_code == "169"
    assert parsed.title.value == "Et nyt forløb for sygemeldte"
    assert parsed.sections[Section.MANAGEMENT].value == "Vi anbefaler indsatsen."
    assert parsed.target_groups[1].item == "6"
    (evidence,) = parsed.tests
    assert evidence.scope.value == "sygedagpengemodtagere"
    first, second = evidence.assessments
    assert first.text == "Mindst 9 ud af 10 borgere får en samtale inden for de første 2 uger"
    assert (second.answer, second.threshold) == (Answer.NO, 7)
    assert evidence.computed_score == 2.5


def _tests(card_: Card) -> list[tuple[TestKind, float, str, list[tuple[Answer, str]]]]:
    return [
        (t.kind, t.score, t.score_text.value, [(a.answer, a.text) for a in t.assessments])
        for t in card_.tests
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("\nGod praksis test\n", "\nGod praksis-test\n"),  # its answers were added to the Evidenstest
        ("\nGod praksis test vedr.", "\nGod praksistest vedr."),
        ("4,3\nEvidenstest\n", "4,3\nEvidens test\n"),
        ("4,3\nEvidenstest\n", "4,3 ud af 5\nEvidenstest\n"),  # the test was lost, read as text
        ("3,1\nGod praksis test\n", "3,1/5\nGod praksis test\n"),
        (" • Ja:", "Ja:"),  # answers without bullets were one answer, scored 5 without a warning
        (" • Ja: ", " – Ja: "),  # bullets of other kinds were read as part of the answer
        (" • ", "◦ "),
        (" • ", "\t▪\t"),
        (" • Delvist: ", " • Delvis: "),  # read as unlabelled answers, with a warning each
        (" • Ja: ", " • Ja - "),
        (" • Ja: ", "  Ja: "),  # indented, without bullets
        ("\nEvidenstest vedr. ", "\nEvidenstest, vedr. "),  # the scope as written after "vedr."
    ],
)
def test_a_card_printed_another_way_gives_the_same_tests(tmp_path: Path, old: str, new: str) -> None:
    text = (SEEDS_DIR / MIDDELFART).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "variant.txt"
    path.write_text(text.replace(old, new), encoding="utf-8")
    varied = parse_document(path)
    assert isinstance(varied, Card)
    assert _tests(varied) == _tests(card(MIDDELFART))
    assert {s: t.value for s, t in varied.sections.items()} == {
        s: t.value for s, t in card(MIDDELFART).sections.items()
    }
    assert [w.message for w in varied.warnings] == [w.message for w in card(MIDDELFART).warnings]


def test_a_municipality_is_known_with_a_space_for_its_hyphen() -> None:
    assert [
        find_municipality(name) for name in ("Høje Taastrup", "Høje-Taastrup", "Lyngby Taarbæk Kommune")
    ] == [
        find_municipality("Høje-Taastrup Kommune"),
        find_municipality("Høje-Taastrup Kommune"),
        find_municipality("Lyngby-Taarbæk"),
    ]
    assert find_municipality("Høje Taastrup") is not None


def test_a_show_more_toggle_inside_a_section_is_left_out_and_the_sections_go_on(tmp_path: Path) -> None:
    """The page's "Vis mere" inside a description ended the sections there: the rest of the
    description and every later section were lost (each line a warning)."""
    text = (SEEDS_DIR / MIDDELFART).read_text(encoding="utf-8")
    path = tmp_path / "variant.txt"
    path.write_text(
        text.replace("\n\nIndsats 24. uge\n", "\nVis mere\n\nIndsats 24. uge\n", 1), encoding="utf-8"
    )
    varied, seed = parse_document(path), card(MIDDELFART)
    assert isinstance(varied, Card)
    assert {s: t.value for s, t in varied.sections.items()} == {s: t.value for s, t in seed.sections.items()}
    assert _tests(varied) == _tests(seed) and varied.warnings == seed.warnings


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # a wrapped line of an answer stays in the answer, however it begins
        ("får samtaler hver 2. uge\n", "får samtaler\n   – typisk telefonisk – hver 2. uge\n"),
        ("får samtaler hver 2. uge\n", "får samtaler\nja - hver 2. uge\n"),
        # prose that begins with a dash, or names a heading with a colon, stays prose
        (" • Alle målgrupper\n", " • Alle målgrupper\n– se også kommunens øvrige indsatser\n"),
        ("\nErfaringer og resultater\n", "\nDokumenter:\nGode råd:\n\nErfaringer og resultater\n"),
    ],
)
def test_a_card_with_prose_like_its_markup_keeps_its_answers_groups_and_sections(
    tmp_path: Path, old: str, new: str
) -> None:
    text = (SEEDS_DIR / MIDDELFART).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "variant.txt"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    varied, seed = parse_document(path), card(MIDDELFART)
    assert isinstance(varied, Card)
    assert [[a.answer for a in t.assessments] for t in varied.tests] == [
        [a.answer for a in t.assessments] for t in seed.tests
    ]
    assert [g.label for g in varied.target_groups] == [g.label for g in seed.target_groups]
    assert list(varied.sections) == list(seed.sections)
    assert not any("without its label" in w.message for w in varied.warnings)
