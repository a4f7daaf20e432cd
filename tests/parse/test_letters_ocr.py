"""Letters as a scanner reads them: misread municipality names, OCR'd stamps and dates,
split words, mangled closings, blank fields, obfuscated addresses."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import XSD

from beskgraph.config import SEEDS_DIR
from beskgraph.model.correspondence import Correspondence, Side
from beskgraph.parse.dates import parse_date
from beskgraph.parse.layout import Kind, classify
from beskgraph.parse.letters import parse_correspondence
from beskgraph.rdf import iris
from beskgraph.rdf.letters import correspondence_to_rdf
from beskgraph.reference import find_municipalities, match_municipality
from beskgraph.text import SourceText
from beskgraph.vocabulary import BG

SCANNED = """\
Til borgmester og jobcenterchef
MODTAGET
2 3 MAR. 2O18
Beskæftigelsesministeren
Ved Stranden 8
1061 København K
T +45 72 20 50 00
E post(at)bm.dk
www .bm. dk
i2 MAJ 2018
J.nr.: ____
Vedrørende redegørelse fra Fre-
dericia Kommune om manglende aktiv indsats
Kære borgmester og jobcenterchef
Den 9. april 2018 sendte jeg et brev til jeres kommune. Jeg har den 2. maj 2018
modtaget redegørelsen fra Fredericia Kommune i et brev, underskrevet borgmester
Jacob Bjerregaard. Jeg noterer mig, at I forventer at overholde kravene i løbet af
3. kvartal 2018, og at samarbejdet med Siikeborg Kommune fortsætter.
Venl ig hi1sen
Troels Lund Poulsen
"""


def parse(text: str, tmp_path: Path) -> Correspondence:
    path = tmp_path / "scan.txt"
    path.write_text(text, encoding="utf-8")
    return parse_correspondence(SourceText.read(path))


@pytest.mark.parametrize(
    ("written", "name", "score"),
    [
        ("Siikeborg", "Silkeborg", 0.89),
        ("Silkeborg Kommune", "Silkeborg", 1.0),
        ("Fre dericia", "Fredericia", 0.9),
        ("Hillerod", "Hillerød", 0.88),
        ("Rudersda1", "Rudersdal", 0.89),
        ("Faaborg-Midtfvn Kommune", "Faaborg-Midtfyn", 0.93),
    ],
)
def test_municipality_names_read_through_ocr_slips(written: str, name: str, score: float) -> None:
    found = match_municipality(written)
    assert found is not None and (found.municipality.name, found.score) == (name, score)


@pytest.mark.parametrize("written", ["Hele landet", "Region", "Jeres", "Kommunen", "Landsdel"])
def test_words_that_are_no_municipality_stay_none(written: str) -> None:
    assert match_municipality(written) is None


def test_only_names_before_kommune_are_read_fuzzily() -> None:
    text = "fra Siikeborg Kommune og Fre dericia Kommune; Siikeborg alene og Leje er ikke navne"
    found = [(m.municipality.name, text[s:e]) for m, s, e in find_municipalities(text)]
    assert found == [("Silkeborg", "Siikeborg"), ("Fredericia", "Fre dericia")]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2 3 MAR. 2O18", "2018-03-23"),
        ("i2 MAJ 2018", "2018-05-12"),
        ("3 l. august 20i8", "2018-08-31"),
        ("l5. 5EPTEMBER 2018", "2018-09-15"),
        ("31. AU6UST 2018", "2018-08-31"),
        ("O5.07.2018", "2018-07-05"),
    ],
)
def test_ocr_dates(text: str, day: str) -> None:
    found = parse_date(text)
    assert found is not None and found.isoformat() == day


def test_a_scanned_letter(tmp_path: Path) -> None:
    doc = parse(SCANNED, tmp_path)
    letter = doc.letters[0]
    assert (letter.date, letter.date_text) == ("2018-05-12", "i2 MAJ 2018")
    assert letter.received == "2018-03-23"  # the stamp's date, not the letter's
    assert letter.sender.side == Side.MINISTRY
    assert letter.sender.organisation == "Beskæftigelsesministeriet"
    assert [s.person for s in letter.signatories] == ["Troels Lund Poulsen"]
    assert letter.subject == "Vedrørende redegørelse fra Fredericia Kommune om manglende aktiv indsats"
    assert (letter.municipality_code, letter.municipality_score) == ("607", 1.0)
    assert letter.identifiers == []  # "J.nr.: ____" is a blank field
    assert "bm" not in letter.text and "MODTAGET" not in letter.text
    assert "Venl ig" not in " ".join(c.text for c in doc.commitments)
    silkeborg = next(m for m in doc.mentions if m.municipality_code == "740")
    assert (silkeborg.surface, silkeborg.score) == ("Siikeborg", 0.89)
    graph = Graph()
    correspondence_to_rdf(doc, graph)
    assert (None, BG.matchScore, Literal("0.89", datatype=XSD.decimal)) in graph
    assert (iris.letter(letter.key), BG.matchScore, None) not in graph


def test_a_misread_recipient_keeps_its_score(tmp_path: Path) -> None:
    doc = parse(SCANNED.replace("Fre-\ndericia Kommune", "Fredericla Kommune"), tmp_path)
    letter = doc.letters[0]
    assert (letter.municipality_code, letter.municipality_score) == ("607", 0.9)
    graph = Graph()
    correspondence_to_rdf(doc, graph)
    assert (iris.letter(letter.key), BG.matchScore, Literal("0.9", datatype=XSD.decimal)) in graph


def test_stamps_addresses_and_blank_fields_are_letterhead(tmp_path: Path) -> None:
    path = tmp_path / "scan.txt"
    path.write_text(SCANNED, encoding="utf-8")
    kinds = {c.line.text: c.kind for c in classify(SourceText.read(path).lines())}
    assert kinds["MODTAGET"] == kinds["2 3 MAR. 2O18"] == Kind.STAMP
    assert kinds["E post(at)bm.dk"] == kinds["www .bm. dk"] == Kind.CONTACT
    assert kinds["J.nr.: ____"] == Kind.LABEL and kinds["i2 MAJ 2018"] == Kind.DATE


def test_fuzzy_reading_changes_nothing_in_the_clean_seed() -> None:
    doc = parse_correspondence(SourceText.read(SEEDS_DIR / "003_aec37f0f2b66ca76.txt"))
    assert {m.score for m in doc.mentions} == {1.0}
    assert {lt.municipality_score for lt in doc.letters} == {1.0}
    for letter in doc.letters:
        assert all(m.score == 1.0 for m, _, _ in find_municipalities(letter.text))


HEADER_DATE = """\
Vejle Kommune
Jobcenter og Borgerservice
Modtaget 23.03.2018
Beskæftigelsesminister Troels Lund Poulsen
Vejle, den 14. september 2018
Sag: 18/33012
Kære Troels Lund Poulsen
Vejle Kommune vil fra 1. oktober 2018 give alle nyledige en samtale i første uge.
Med venlig hilsen og på forhånd tak
Jens Ejner Christensen
Borgmester
"""


def test_a_date_anywhere_in_the_header_and_a_stamp_on_one_line(tmp_path: Path) -> None:
    letter = parse(HEADER_DATE, tmp_path).letters[0]
    assert (letter.date, letter.date_text) == ("2018-09-14", "14. september 2018")
    assert letter.received == "2018-03-23"
    assert letter.sender.municipality_code == "630"
    assert [(s.person, s.role) for s in letter.signatories] == [("Jens Ejner Christensen", "borgmester")]
    assert "Vejle, den" not in letter.text and "Modtaget" not in letter.text
