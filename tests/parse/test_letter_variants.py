"""Letters of the same kind written differently: one letter without the appendix's
headers, an OCR'd letter with typos, other date styles, two letters in one file."""

from __future__ import annotations

from pathlib import Path

from beskgraph.model.correspondence import Correspondence, Side
from beskgraph.parse.letters import looks_like_correspondence, parse_correspondence
from beskgraph.text import SourceText

SINGLE = """\
Aarhus Kommune
Beskæftigelsesforvaltningen
Beskæftigelsesminister Peter Hummelgaard
Dato: 12. marts 2020
Sagsnr.: 20/2045
Kære Peter Hummelgaard
Tak for dit brev af 14. februar 2020 om rettidig indsats for dagpengemodtagere i
Aarhus Kommune. Vi har gennemgået indsatsen efter lov nr. 548 af 7. maj 2019 § 6, nr. 1.
Konkret er følgende initiativer iværksat:
Faste sagsstammer for alle jobkonsulenter i dagpengeteamet.
Ugentlig opfølgning på frister med data fra Jobindsats.
Herudover samarbejder vi med Randers Kommune om en fælles jobklub.
Vi forventer at opfylde lovgivningens krav senest om 3 måneder.
Med venlig hilsen
Jacob Bundsgaard
Borgmester
"""

OCR = """\
Til borgmester og jobcenterchef
Beskæftigelsesministeren
Ved Stranden 8
1061 København K
CVR 10172748
3l. augnst 2018
J.nr. 2018 - 5120
Vedrørende redegørelse fra Odense Kommune om manglende aktiv
indsats for dagpengemodtagere
Kaere borgmester og jobcenterchef
Den 11. juni 2018 sendte jeg et brev til jeres kommune. Jeg har den 2. juli 2018
modtaget redegørelsen fra Odense Kommune i et brev, underskrevet borgmester
Peter Rahbæk Juel. Jeg noterer mig, at I forventer at overholde kravene i løbet af
1. kvartal 2019.
Venlig hiIsen
Troels Lund Poulsen
"""

TWO = """\
14.09.2018
Beskæftigelsesminister Troels Lund Poulsen
Jobcenter og Borgerservice
Sag: 18/33012
Kære Troels Lund Poulsen
Vejle Kommune vil fra 1. oktober 2018 give alle nyledige en samtale i første uge.
Med venlig hilsen
Jens Ejner Christensen
Borgmester
Beskæftigelsesministeren
Ved Stranden 8
1061 København K
2018-10-01
Kære borgmester
Tak for jeres svar. Jeg noterer mig, at Vejle Kommune vil give nyledige en samtale fra
1. oktober 2018.
Venlig hilsen
Troels Lund Poulsen
"""


def parse(text: str, tmp_path: Path, name: str = "letter.txt") -> Correspondence:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    source = SourceText.read(path)
    assert looks_like_correspondence(source)
    return parse_correspondence(source)


def test_single_letter_without_running_headers(tmp_path: Path) -> None:
    doc = parse(SINGLE, tmp_path)
    assert doc.appendix is None
    (letter, april) = [lt for lt in doc.letters]
    assert (letter.date, letter.date_text) == ("2020-03-12", "12. marts 2020")
    assert (letter.sender.organisation, letter.sender.unit, letter.sender.municipality_code) == (
        "Aarhus Kommune",
        "Beskæftigelsesforvaltningen",
        "751",
    )
    assert (letter.sender.person, letter.sender.role) == ("Jacob Bundsgaard", "borgmester")
    assert (letter.recipients[0].organisation, letter.recipients[0].person) == (
        "Beskæftigelsesministeriet",
        "Peter Hummelgaard",
    )
    assert [(i.scheme, i.value) for i in letter.identifiers] == [("sagsnr", "20/2045")]
    assert april.referred_only and april.date == "2020-02-14"
    assert letter.in_reply_to == [april.key]
    assert [i.title for i in doc.initiatives] == [
        "Faste sagsstammer for alle jobkonsulenter i dagpengeteamet",
        "Ugentlig opfølgning på frister med data fra Jobindsats",
    ]
    (commitment,) = doc.commitments
    assert (commitment.deadline.start, commitment.deadline.relative) == ("2020-06-12", "P3M")
    (citation,) = doc.citations
    assert (citation.number, citation.year, citation.paragraph, citation.item) == (548, 2019, "6", "1")
    assert {m.municipality_code for m in doc.mentions if m.municipality_code} == {"751", "730"}


def test_ocr_typos(tmp_path: Path) -> None:
    doc = parse(OCR, tmp_path)
    letter = doc.letters[0]
    assert letter.date == "2018-08-31"
    assert letter.sender.side == Side.MINISTRY
    assert [s.person for s in letter.signatories] == ["Troels Lund Poulsen"]
    assert {r.role for r in letter.recipients} == {"borgmester", "jobcenterchef"}
    assert {r.municipality_code for r in letter.recipients} == {"461"}
    assert [(i.scheme, i.value) for i in letter.identifiers] == [("jnr", "2018 - 5120")]
    assert letter.subject == (
        "Vedrørende redegørelse fra Odense Kommune om manglende aktiv indsats for dagpengemodtagere"
    )
    june = next(lt for lt in doc.letters if lt.date == "2018-06-11")
    assert june.referred_only and june.recipients[0].municipality_code == "461"
    (commitment,) = doc.commitments  # stated only in the minister's acknowledgement
    assert (commitment.deadline.start, commitment.deadline.end) == ("2019-01-01", "2019-03-31")
    assert commitment.acknowledged_by == letter.key


def test_two_letters_in_one_file_with_other_date_styles(tmp_path: Path) -> None:
    doc = parse(TWO, tmp_path)
    reply, answer = [lt for lt in doc.letters if not lt.referred_only]
    assert (reply.date, answer.date) == ("2018-09-14", "2018-10-01")
    assert (reply.sender.municipality_code, reply.sender.person) == ("630", "Jens Ejner Christensen")
    assert [(i.scheme, i.value) for i in reply.identifiers] == [("sag", "18/33012")]
    assert answer.sender.side == Side.MINISTRY
    assert answer.in_reply_to == [reply.key]
    (commitment,) = doc.commitments
    assert (commitment.deadline.start, commitment.deadline.onwards) == ("2018-10-01", True)
    assert commitment.letter == reply.key and commitment.acknowledged_by == answer.key
    assert "Ved Stranden" not in reply.text + answer.text


def test_a_ministry_of_two_keeps_its_whole_name(tmp_path: Path) -> None:
    """A letterhead "Social- og Boligministeren" was read as "Boligministeriet", and a minister
    signing "Social- og boligminister" as a "boligminister"."""
    text = OCR.replace("Beskæftigelsesministeren\n", "Social- og Boligministeren\n").replace(
        "Venlig hiIsen\nTroels Lund Poulsen\n",
        "Venlig hilsen\nPernille Rosenkrantz-Theil\nSocial- og boligminister\n",
    )
    letter = parse(text, tmp_path).letters[0]
    assert letter.sender.side == Side.MINISTRY
    assert letter.sender.organisation == "Social- og boligministeriet"  # one name, as a role names it too
    assert [(s.person, s.role) for s in letter.signatories] == [
        ("Pernille Rosenkrantz-Theil", "social- og boligminister")
    ]
