"""The seed appendix (BEU Alm.del Bilag 243): facts from each of its eleven letters."""

from __future__ import annotations

import re
from functools import cache

import pytest

from beskgraph.config import SEEDS_DIR
from beskgraph.model.correspondence import Correspondence, Letter, MentionKind, Side
from beskgraph.parse.figures import case_load_figures
from beskgraph.parse.letters import looks_like_correspondence, parse_correspondence
from beskgraph.text import SourceText, Span

SEED = SEEDS_DIR / "003_aec37f0f2b66ca76.txt"
MINISTRY = "Beskæftigelsesministeriet"


@cache
def doc() -> Correspondence:
    return parse_correspondence(SourceText.read(SEED))


def written() -> list[Letter]:
    return [lt for lt in doc().letters if not lt.referred_only]


def reply(code: str) -> Letter:
    return next(lt for lt in written() if lt.sender and lt.sender.municipality_code == code)


def ack(code: str) -> Letter:
    return next(
        lt
        for lt in written()
        if lt.sender and lt.sender.side == Side.MINISTRY and lt.municipality_code == code
    )


def ids(letter: Letter) -> list[tuple[str, str]]:
    return [(i.scheme, i.value) for i in letter.identifiers]


def test_recognised_and_cards_are_not() -> None:
    assert looks_like_correspondence(SourceText.read(SEED))
    assert not looks_like_correspondence(SourceText.read(SEEDS_DIR / "000_2ad044e4a048410a.txt"))


def test_appendix() -> None:
    appendix = doc().appendix
    assert appendix is not None
    assert (appendix.committee, appendix.session, appendix.abbreviation) == (
        "Beskæftigelsesudvalget",
        "2021-22",
        "BEU",
    )
    assert (appendix.collection, appendix.number, appendix.public_status) == ("Alm.del", 243, "Offentligt")
    assert appendix.title.startswith("Besvarelse af spørgsmål fra lukket spørgetime")
    assert appendix.pages[0].name == "2567877_0001.png"
    assert [p.page for p in appendix.pages][:4] == [1, 3, 4, 6]
    assert SourceText.read(SEED).slice(appendix.pages[2].span) == "2567877_0004.png"


def test_eleven_letters_in_order() -> None:
    letters = written()
    assert len(letters) == 11
    assert [lt.date for lt in letters] == [
        "2018-08-31",
        "2018-08-31",
        "2018-07-06",
        "2018-08-31",
        "2018-08-08",
        "2018-08-31",
        "2018-07-09",
        "2018-08-31",
        "2018-07-09",
        "2018-08-31",
        "2018-07-05",
    ]
    assert [lt.date_text for lt in letters[2::2]] == [
        "06-07-2018",
        "8. august 2018",
        "09. juli 2018",
        "09.07.2018",
        "5. juli 2018",
    ]


def test_cover_letter_to_the_committee() -> None:
    cover = written()[0]
    assert cover.sender.organisation == MINISTRY
    assert (cover.sender.person, cover.sender.role) == ("Troels Lund Poulsen", "beskæftigelsesminister")
    assert [r.organisation for r in cover.recipients] == ["Beskæftigelsesudvalget"]
    assert cover.subject == "Ang. manglende aktiv indsats"
    assert ids(cover) == [("jnr", "2018 - 3729")]
    assert [s.person for s in cover.signatories] == ["Troels Lund Poulsen"]
    # the letterhead column (date, J.nr.) and running header cut this sentence in the PDF
    assert "sammen med Styrelsen for Arbejdsmarked og Rekruttering. Det ligger mig" in cover.text
    assert "J.nr." not in cover.text and "31. august 2018" not in cover.text
    assert cover.encloses == [reply(c).key for c in ("219", "259", "230", "430", "153")]


@pytest.mark.parametrize("code", ["219", "259", "230", "430", "153"])
def test_acknowledgements(code: str) -> None:
    letter = ack(code)
    assert letter.date == "2018-08-31"
    assert letter.sender.organisation == MINISTRY
    assert {r.role for r in letter.recipients} == {
        "borgmester",
        "beskæftigelsesudvalgsformand",
        "jobcenterchef",
    }
    assert all(r.municipality_code == code for r in letter.recipients)
    assert letter.subject.startswith("Vedrørende")
    assert letter.in_reply_to == [reply(code).key]


def test_hillerod_reply() -> None:
    letter = reply("219")
    assert (letter.sender.organisation, letter.sender.unit) == ("Hillerød Kommune", "Byrådssekretariatet")
    assert [(s.person, s.role) for s in letter.signatories] == [("Kirsten Jensen", "borgmester")]
    assert ids(letter) == [("sag", "18/6995")]
    assert letter.recipients[0].organisation == MINISTRY
    assert letter.recipients[0].person == "Troels Lund Poulsen"
    assert letter.received == "2018-07-06"
    assert "Trollesmindealle" not in letter.text


def test_koge_reply() -> None:
    letter = reply("259")
    assert letter.sender.unit == "Velfærdsforvaltningen"
    assert [(s.person, s.role) for s in letter.signatories] == [("Bjarne Andersen", "arbejdsmarkedschef")]
    assert ids(letter) == [("dokumentnummer", "2018-015032-2")]  # repeated on three pages
    assert "a-dagpengemodtagere" in letter.text


def test_rudersdal_reply() -> None:
    letter = reply("230")
    assert letter.sender.unit == "Borgmesterkontoret"
    assert [(s.person, s.role) for s in letter.signatories] == [
        ("Jens Ive", "borgmester"),
        ("Birgitte N. Lundgren", "vicekommunaldirektør"),
    ]
    assert ids(letter) == [("sagsnr", "18/1199")]


def test_faaborg_midtfyn_reply() -> None:
    letter = reply("430")
    assert letter.sender.unit == "Arbejdsmarked"
    assert [(s.person, s.role) for s in letter.signatories] == [("Mette Gaarde-Fink", "koncernchef")]
    assert ids(letter) == [("sagsid", "15.00.00-A26-2-18")]


def test_brondby_reply_signed_as_the_minister_tells() -> None:
    letter = reply("153")
    assert letter.subject.startswith("Uddybende redegørelse for hvordan Brøndby Kommune")
    assert [(s.person, s.role) for s in letter.signatories] == [("Kent Magelund", "borgmester")]
    assert letter.received == "2018-07-07"  # dated 5 July, received 7 July


def test_chain_from_april_to_the_appendix() -> None:
    letters = {lt.key: lt for lt in doc().letters}
    step = ack("259")
    dates = [step.date]
    while step.in_reply_to:
        step = letters[step.in_reply_to[0]]
        dates.append(step.date or step.period[0][:7])
    assert dates == ["2018-08-31", "2018-08-08", "2018-06-11", "2018-05", "2018-04-09"]
    april = [lt for lt in doc().letters if lt.date == "2018-04-09"]
    assert sorted(lt.recipients[0].municipality_code for lt in april) == [
        "153",
        "219",
        "230",
        "259",
        "265",
        "316",
        "430",
    ]
    assert all(lt.referred_only and lt.sender.side == Side.MINISTRY for lt in april)


def test_mentions() -> None:
    by_letter = {}
    for mention in doc().mentions:
        by_letter.setdefault(mention.letter, set()).add((mention.kind, mention.label))
    cover = by_letter[written()[0].key]
    codes = {m.municipality_code for m in doc().mentions if m.letter == written()[0].key}
    assert {"316", "265", "230", "153", "219", "259", "430"} <= codes
    assert (MentionKind.ORGANISATION, "Styrelsen for Arbejdsmarked og Rekruttering") in cover
    koge = {m.municipality_code for m in doc().mentions if m.letter == reply("259").key}
    assert {"336", "269"} <= koge
    assert {
        (MentionKind.ORGANISATION, "Senior Erhverv Svendborg"),
        (MentionKind.ORGANISATION, "A-kasse"),
    } <= by_letter[reply("430").key]
    assert "479" not in {
        m.municipality_code for m in doc().mentions if m.letter == reply("430").key
    }  # Svendborg only in the name
    assert {
        (MentionKind.IT_SYSTEM, "Workbase"),
        (MentionKind.IT_SYSTEM, "Jobindsats"),
        (MentionKind.ORGANISATION, "Erhvervshus C4"),
    } <= by_letter[reply("219").key]
    assert (MentionKind.IT_SYSTEM, "Fasit") in by_letter[reply("230").key]


def _commitments(code: str):
    return [c for c in doc().commitments if c.municipality_code == code]


def test_commitments_and_their_acknowledgement() -> None:
    fmk = [c for c in _commitments("430") if c.deadline.start == "2018-09-01"]
    assert fmk and all(c.acknowledged_by == ack("430").key for c in fmk)
    assert "pr. 1. september 2018" in fmk[-1].text
    (koge,) = [c for c in _commitments("259") if c.deadline.relative]
    assert (koge.deadline.start, koge.deadline.text) == ("2019-02-08", "senest om 6 måneder")
    assert koge.acknowledged_by == ack("259").key
    (rudersdal,) = [c for c in _commitments("230") if c.acknowledged_by]
    assert (rudersdal.deadline.start, rudersdal.deadline.onwards) == ("2018-10-01", True)
    hillerod = {(c.deadline.start, c.deadline.end) for c in _commitments("219")}
    assert {("2018-07-01", "2018-12-31"), ("2018-07-01", "2018-09-30")} <= hillerod
    (brondby,) = [c for c in _commitments("153") if c.acknowledged_by]
    assert (brondby.deadline.start, brondby.deadline.end, brondby.deadline.kind) == (
        "2018-07-01",
        "2018-12-31",
        "period",
    )
    assert brondby.letter == reply("153").key


def _initiatives(code: str):
    return [i for i in doc().initiatives if i.municipality_code == code]


def test_faaborg_midtfyn_initiatives_and_table() -> None:
    lettered = {i.label: i.title for i in _initiatives("430") if i.label}
    assert lettered["A"] == "Indføring af individuelle sagsstammer og sagsgennemgang"
    assert sorted(lettered) == ["A", "B", "C", "D", "E"]
    rows = {i.title: i for i in _initiatives("430") if i.status}
    assert list(rows)[:6] == [
        "CV Boost",
        "Jobkonsulent",
        "Individuel Jobsøgning",
        "Nytteindsats",
        "Sundhedsfagligt team",
        "Jobklub for seniorer",
    ]
    assert rows["Jobkonsulent"].status == "Udvidelse fra 20 til 70 løbende pladser iværksættes 1. juli 2018"
    assert "fra 20 til 70" in rows["Jobkonsulent"].purpose
    assert rows["Nytteindsats"].purpose.endswith("rådighedsafprøvende tilbud.")
    assert rows["Jobklub for seniorer"].purpose.endswith("Senior Erhverv Svendborg.")
    assert rows["Jobformidler"].status == "Forventes i fuld drift 1. august 2018"


def test_brondby_conversation_structure() -> None:
    talks = [i for i in _initiatives("153") if i.week_deadline]
    assert [(i.label, i.week_deadline) for i in talks] == [(f"Jobsamtale {n}", 4 * n) for n in range(1, 7)]
    assert talks[2].focus == "rettidig aktivering"
    assert all(i.letter == reply("153").key for i in talks)


def test_listed_initiatives() -> None:
    hillerod = [i.title for i in _initiatives("219")]
    assert len(hillerod) == 7
    assert hillerod[3] == "Iværksættelse af interne jobklubber med opstart snarest muligt"
    koge = [i.title for i in _initiatives("259")]
    assert any(t.startswith("Vidensopsamling og inspiration") for t in koge)
    assert any(t.startswith("Køge Kommune skifter pr. november 2018") for t in koge)
    assert [i.title for i in _initiatives("230")] == [
        "Justering af samtaleflowet",
        "Screening af risiko for langtidsledighed",
        "Kursus i jobrettet samtale og virksomhedsrettet indsats",
        "Opfølgning på indsatserne",
    ]


def test_legal_citations() -> None:
    first, second = doc().citations
    assert (first.act_type, first.number, first.year, first.date_text) == (
        "LBK",
        1342,
        2016,
        "20. november 2016",
    )
    assert [(c.paragraph, c.subsection) for c in (first, second)] == [("16a", "1"), ("16a", "4")]
    assert first.letter == second.letter == reply("153").key


def test_figures() -> None:
    rudersdal = [(f.value, f.unit) for f in doc().figures if f.municipality_code == "230"]
    assert rudersdal[:5] == [(1744, "borgere"), (1160, "borgere"), (74, "%"), (246, "borgere"), (89, "%")]
    first = next(f for f in doc().figures if f.value == 1744)
    assert (first.period_start, first.period_end) == ("2017-01-01", "2017-12-31")
    table = [(f.subject, f.value, f.period) for f in doc().figures if f.letter == reply("219").key]
    assert ("Hillerød", -10.8, "2017-18") in table and ("Hele landet", 0.5, "April 18- Maj 18") in table
    calls = next(f for f in doc().figures if f.unit == "serviceopkald")
    assert (calls.value, calls.period_start, calls.period_end) == (58, "2018-05-20", "2018-07-09")
    places = [f.value for f in doc().figures if f.unit == "pladser"]
    assert places == [20, 70]


def test_case_load_figures_on_card_texts() -> None:
    text = "Vi har cpr.nr. fordeling. Sagsnormen er 120 sager pr. rådgiver."
    (figure,) = case_load_figures(text, Span(1000, 1000 + len(text)))
    assert (figure.value, figure.unit) == (120, "sager pr. rådgiver")
    assert figure.span == Span(1000 + text.index("120"), 1000 + len(text) - 1)
    tarnby = "hvis sagsstammen er for høj, max 35 pr jobformidler"
    assert [(f.value, f.unit) for f in case_load_figures(tarnby, Span(0, len(tarnby)))] == [
        (35, "sager pr. jobformidler")
    ]


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("Sagsnormen er i gennemsnit 42,5 sager pr. sagsbehandler.", [42.5]),  # was 5
        ("Sagsnormen er 1.200 sager pr. årsværk.", [1200]),  # was 200
        ("Sagsstammen er 110-130 sager pr. rådgiver.", []),  # was 130: a range is no one figure
        ("Sagsstammen er 110–130 sager pr. rådgiver.", []),
    ],
)
def test_a_case_load_is_the_number_as_written(text: str, figures: list[float]) -> None:
    assert [f.value for f in case_load_figures(text, Span(0, len(text)))] == figures


NOISE = re.compile(r"BEU, Alm\.del|\d+_\d{4}\.png|Side \d|\[email|protected\]|CVR \d|www\.")


def test_no_page_noise_in_any_text_value() -> None:
    values = [v for lt in doc().letters for v in (lt.text, lt.subject) if v]
    values += [v for i in doc().initiatives for v in (i.title, i.description, i.purpose, i.status) if v]
    values += [c.text for c in doc().commitments]
    assert values and not [v for v in values if NOISE.search(v)]
