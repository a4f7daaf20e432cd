"""Extraction fidelity of the seed appendix: each fact holds exactly the words it was read
from, in the order the letter gives them; a commitment is what the writer promises."""

from __future__ import annotations

import itertools
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import DCTERMS

from beskgraph.config import SEEDS_DIR
from beskgraph.model.correspondence import Correspondence, Initiative, Letter
from beskgraph.parse.commitments import is_promise
from beskgraph.parse.dates import find_dates
from beskgraph.parse.letter_parts import is_closing
from beskgraph.parse.letters import parse_correspondence
from beskgraph.parse.stitch import Stitched
from beskgraph.rdf import iris
from beskgraph.rdf.letters import correspondence_to_rdf
from beskgraph.text import SourceText
from beskgraph.vocabulary import BG, SCHEMA

SEED = SEEDS_DIR / "003_aec37f0f2b66ca76.txt"


@cache
def source() -> SourceText:
    return SourceText.read(SEED)


@cache
def doc() -> Correspondence:
    return parse_correspondence(source())


def reply(code: str) -> Letter:
    return next(
        lt
        for lt in doc().letters
        if not lt.referred_only and lt.sender and lt.sender.municipality_code == code
    )


def initiatives(code: str) -> list[Initiative]:
    return [i for i in doc().initiatives if i.letter == reply(code).key]


def written(span) -> str:
    return source().slice(span)


# -- a section ends at what ends it -----------------------------------------------


def test_a_section_ends_before_the_closing_and_signature() -> None:
    sections = {i.label: i for i in initiatives("430") if i.label}
    last = sections["E"]
    assert last.description.endswith("for alle nyledige pr. 1. september 2018.")
    assert "Venlig hilsen" not in written(last.span) and "Gaarde-Fink" not in last.description
    for initiative in doc().initiatives:
        assert not any(is_closing(line) for line in written(initiative.span).splitlines()), initiative.title


@pytest.mark.parametrize(
    "closing", ["Venlig hilsen", "Med venlig hilsen", "Med venlig hilsen og på forhånd tak", "Venl ig hi1sen"]
)
def test_every_closing_formula_ends_the_last_section(closing: str, tmp_path: Path) -> None:
    text = f"""Vejle Kommune
Jobcenter
Beskæftigelsesminister Troels Lund Poulsen
Dato: 14. september 2018
Kære Troels Lund Poulsen
Nærværende notat redegør for vores tiltag:
A: Faste sagsstammer
B: Ledelsesfokus
A) Faste sagsstammer
Alle jobkonsulenter har fra 1. oktober 2018 deres egen sagsstamme.
B) Ledelsesfokus
Vi følger op hver måned på rettidigheden i alle teams.
{closing}
Jens Ejner Christensen
Borgmester
"""
    path = tmp_path / "letter.txt"
    path.write_text(text, encoding="utf-8")
    letter_doc = parse_correspondence(SourceText.read(path))
    last = next(i for i in letter_doc.initiatives if i.label == "B")
    assert last.description == "Vi følger op hver måned på rettidigheden i alle teams."
    assert (
        letter_doc.source.slice(last.span)
        == "B) Ledelsesfokus\nVi følger op hver måned på rettidigheden i alle teams."
    )
    assert [s.person for s in letter_doc.letters[0].signatories] == ["Jens Ejner Christensen"]


# -- sibling spans --------------------------------------------------------------------


def test_lettered_sections_start_at_their_heading_and_never_overlap() -> None:
    sections = sorted((i for i in initiatives("430") if i.label), key=lambda i: i.label)
    assert [i.label for i in sections] == list("ABCDE")
    for initiative in sections:
        assert written(initiative.span).startswith(f"{initiative.label}) "), initiative.label
        assert f"\n{initiative.label}: " not in written(initiative.span)  # contents line
    for first, second in itertools.pairwise(sections):
        assert first.span.end < second.span.start
    table = [i for i in initiatives("430") if i.status]
    assert sections[2].span.end < min(i.span.start for i in table)  # C stops at its table


def test_spans_are_paragraphs_not_pages() -> None:
    longest = max(doc().initiatives, key=lambda i: i.span.end - i.span.start)
    assert longest.span.end - longest.span.start < 1300  # was 6218: sections ran to the end
    for commitment in doc().commitments:
        assert commitment.span.end - commitment.span.start <= 320


# -- order as written ------------------------------------------------------------------


@cache
def graph() -> Graph:
    result = Graph()
    correspondence_to_rdf(doc(), result)
    return result


def _in_order(letter: Letter, link) -> list[list[str]]:
    node = iris.letter(letter.key)
    items = sorted(graph().objects(node, link), key=lambda i: int(graph().value(i, BG.position)))
    return [
        sorted(
            str(graph().value(t, SCHEMA.name) or graph().value(t, DCTERMS.title) or t)
            for t in graph().objects(item, SCHEMA.item)
        )
        for item in items
    ]


def test_signatories_and_recipients_keep_the_order_written() -> None:
    assert _in_order(reply("230"), BG.signatoryItem) == [["Jens Ive"], ["Birgitte N. Lundgren"]]
    acknowledgement = next(
        lt
        for lt in doc().letters
        if not lt.referred_only and lt.municipality_code == "230" and lt.date == "2018-08-31"
    )
    roles = [r.role for r in acknowledgement.recipients]
    assert roles == ["borgmester", "beskæftigelsesudvalgsformand", "jobcenterchef"]
    assert [written(r.span) for r in acknowledgement.recipients] == roles
    assert len(_in_order(acknowledgement, BG.recipientItem)) == 3


def test_initiatives_are_numbered_in_the_order_of_their_letter() -> None:
    for code in ("219", "259", "230", "430", "153"):
        found = initiatives(code)
        assert [i.position for i in found] == list(range(1, len(found) + 1))
        assert [i.span.start for i in found] == sorted(i.span.start for i in found)
    assert [i.label or i.title for i in initiatives("430")][:4] == ["A", "B", "C", "CV Boost"]


# -- commitments ---------------------------------------------------------------------------


def _sentence(fragment: str) -> tuple[str, Letter]:
    """The sentence of a reply's text holding ``fragment``, as the parser reads it."""
    for letter in doc().letters:
        text = Stitched(letter.text, tuple(range(len(letter.text))))
        for start, end in text.sentences():
            if fragment in text.text[start:end].replace("\n", " "):
                return text.text[start:end].replace("\n", " "), letter
    raise AssertionError(fragment)


PROMISES = [  # (a fragment of a seed sentence, its deadline text)
    ("Vi forventer dermed at opfylde lovgivningens krav", "1. september 2018"),
    ("FMK forventer at have overblik over samtlige aktive forløb", "15. august"),
    ("Det er vores forventning, at vi senest om 6 måneder", "senest om 6 måneder"),
    ("Initiativerne forventes fuldt implementeret", "3. kvartal 2018"),
    ("Fra august måned vil dette værktøj", "august måned"),
    ("Beskæftigelsesvejlederne skal derudover", "1. juli - 15. august 2018"),
    ("Ultimo august 2018 igangsættes jobklubber", "Ultimo august 2018"),
]
NOT_PROMISES = [
    ("den økonomiske model som effektueres fra 1. januar 2019", "1. januar 2019"),
    ("der trækkes en ny statistik vedr. 2. halvår 2018", "2. halvår 2018"),
]


def _verdict(fragment: str, deadline: str) -> bool:
    sentence, letter = _sentence(fragment)
    found = next(f for f in find_dates(sentence, date.fromisoformat(letter.date)) if f.text == deadline)
    return is_promise(sentence, found)


@pytest.mark.parametrize(("fragment", "deadline"), PROMISES)
def test_the_writer_promising_its_own_action_is_a_commitment(fragment: str, deadline: str) -> None:
    assert _verdict(fragment, deadline)


@pytest.mark.parametrize(("fragment", "deadline"), NOT_PROMISES)
def test_a_date_about_someone_else_or_a_topic_is_not(fragment: str, deadline: str) -> None:
    assert not _verdict(fragment, deadline)


@pytest.mark.parametrize(
    ("sentence", "deadline", "expected"),
    [
        ("Vi vil give alle nyledige en samtale senest 1. oktober 2018.", "1. oktober 2018", True),
        ("Vi bemærker, at I vil ændre reglerne fra 1. januar 2019.", "1. januar 2019", False),
        ("Regeringen forventer, at reformen træder i kraft 1. januar 2019.", "1. januar 2019", False),
        ("Hvis loven ændres 1. januar 2019, tilpasser vi indsatsen.", "1. januar 2019", False),
    ],
)
def test_who_acts_and_how_it_is_said(sentence: str, deadline: str, expected: bool) -> None:
    found = next(f for f in find_dates(sentence) if f.text == deadline)
    assert is_promise(sentence, found) is expected


def test_rudersdal_makes_no_commitment_of_the_governments_model() -> None:
    rudersdal = [c for c in doc().commitments if c.municipality_code == "230"]
    assert "2019-01-01" not in {c.deadline.start for c in rudersdal}
    assert not any("økonomiske model" in c.text for c in rudersdal)
    assert {c.deadline.start for c in rudersdal} == {"2018-08-01", "2018-09-30", "2018-12-01", "2018-10-01"}


def test_two_deadlines_in_one_sentence_are_two_commitments_with_their_own_words() -> None:
    fmk = [
        c
        for c in doc().commitments
        if c.municipality_code == "430"
        and c.letter == reply("430").key
        and c.deadline.start in ("2018-08-15", "2018-09-01")
    ]
    texts = {c.deadline.start: c.text for c in fmk if "tilbudsviften" in c.text or "overblik" in c.text}
    assert texts == {
        "2018-08-15": "FMK forventer at have overblik over samtlige aktive forløb senest 15. august",
        "2018-09-01": "og at tilbudsviften for forsikrede ledige er i fuld drift senest 1. september 2018.",
    }
    for commitment in fmk:
        assert " ".join(written(commitment.span).split()) == commitment.text


# -- tables, cell by cell -------------------------------------------------------------------


def test_offers_table_rebuilt_cell_by_cell() -> None:
    rows = {i.title: i for i in initiatives("430") if i.status}
    assert list(rows) == [
        "CV Boost",
        "Jobkonsulent",
        "Individuel Jobsøgning",
        "Nytteindsats",
        "Sundhedsfagligt team",
        "Jobklub for seniorer",
        "Anden aktør - Seniorer",
        "Jobformidler",
    ]
    assert (
        rows["Anden aktør - Seniorer"].purpose
        == "Ekstern jobkonsulent bistand, med henblik på at iværksætte virksomhedsrettede indsatser."
    )
    assert rows["Jobformidler"].purpose.startswith("16 måneders ledighed.")
    assert rows["Anden aktør - Seniorer"].status == "Forventet opstart senest 1. august 2018"
    for row in rows.values():
        assert written(row.span) in (row.title, row.title.replace("-", "–"))
        assert " ".join(written(row.purpose_span).split()) == row.purpose
        assert " ".join(written(row.status_span).split()) == row.status
    spans = sorted(s for r in rows.values() for s in (r.span, r.purpose_span, r.status_span))
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
