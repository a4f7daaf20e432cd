"""Every kind of document is taken in: answers to parliament, press releases, web pages,
letters to a committee and other text are recognised and read by the generic reader,
and their facts link to the same nodes as the cards' and letters' (municipalities by
kommunekode, provisions by the same ELI-based IRIs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, XSD

from beskgraph.build import build
from beskgraph.cache import BuildCache
from beskgraph.model.common import DocumentKind
from beskgraph.model.publication import Publication
from beskgraph.parse import parse_document
from beskgraph.rdf import iris
from beskgraph.reference import find_municipalities
from beskgraph.vocabulary import BG, OA, SCHEMA
from tests.support.paths import CORPUS

ANSWER = "svar_beu_spoergsmaal_118.txt"
PRESS = "pressemeddelelse_langtidsledighed_nordjylland.txt"
WEB = "webside_star_fleksjob.txt"
COMMITTEE = "brev_til_beskaeftigelsesudvalget_2023.txt"
NOTE = "notat_samarbejde_a_kasser_latin1.txt"


def read(name: str) -> Publication:
    return read_path(CORPUS / name)


def read_path(path: Path) -> Publication:
    document = parse_document(path)
    assert isinstance(document, Publication)
    return document


@pytest.mark.parametrize(
    ("name", "kind", "title"),
    [
        (
            ANSWER,
            DocumentKind.PARLIAMENTARY_ANSWER,
            "Svar på spørgsmål nr. 118 (Alm. del) fra Folketingets Beskæftigelsesudvalg",
        ),
        (PRESS, DocumentKind.PRESS_RELEASE, "Flere langtidsledige er kommet i job i Nordjylland"),
        (WEB, DocumentKind.WEB_PAGE, "Fleksjob"),
        (
            COMMITTEE,
            DocumentKind.COMMITTEE_LETTER,
            "Orientering om opfølgning på kommunernes brug af virksomhedsrettede tilbud",
        ),
        (NOTE, DocumentKind.OTHER, "Samarbejde mellem jobcenter og a-kasser om de første samtaler"),
    ],
)
def test_each_kind_is_recognised_with_its_title(name: str, kind: DocumentKind, title: str):
    document = read(name)
    assert document.kind is kind
    assert document.title is not None and document.title.value == title
    assert document.source.slice(document.title.span) == title


def test_dates_published_updated_and_unreadable():
    answer = read(ANSWER)
    assert answer.published is not None and answer.published.value == "2024-03-14"
    assert answer.source.slice(answer.published.span) == "14. marts 2024"
    web = read(WEB)
    assert web.published is None and web.updated is not None and web.updated.value == "2024-04-03"
    assert read(NOTE).published is None


def test_municipalities_named_but_not_towns_in_addresses():
    # "1240 København K" is the committee's address, not a mention of København Kommune
    assert [(m.code, m.surface) for m in read(COMMITTEE).municipalities] == [
        ("360", "Lolland"),
        ("376", "Guldborgsund"),
        ("183", "Ishøj"),
    ]
    press = read(PRESS)
    assert [m.code for m in press.municipalities] == ["851", "860", "813", "825"]
    assert all(press.source.slice(m.span) == m.surface for m in press.municipalities)


def test_the_road_in_a_heading_is_not_vejen_kommune(tmp_path: Path):
    """ "Vejen til job …" opening a heading or a sentence is a road, not Vejen Kommune; a name
    that is also a word names its municipality anywhere else (after an abbreviation, in a list,
    opening a sentence about it)."""
    path = tmp_path / "pressemeddelelse.txt"
    path.write_text(
        "Pressemeddelelse\n\nVejen til job går gennem virksomhederne\n\n"
        "Vejen frem er kortere, når jobcentret tager tidlig kontakt. Det viser tal fra bl.a. Skive.\n",
        encoding="utf-8",
    )
    assert [m.surface for m in read_path(path).municipalities] == ["Skive"]
    path.write_text(
        "Pressemeddelelse\n\nLedigheden falder\n\nJobcentret i Vejen og Greve Kommune har flere i job "
        "end i disse kommuner: Odder,\n• Skive\n\nVejen har som den første kommune … Vejen er gået fra 310 "
        "til 190.\n",
        encoding="utf-8",
    )
    assert [(m.code, m.surface) for m in read_path(path).municipalities] == [
        ("575", "Vejen"),
        ("253", "Greve"),
        ("727", "Odder"),
        ("779", "Skive"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Ledigheden faldt i Kolding. Vejen til gengæld har øget beskæftigelsen.",
        "Følgende kommuner:\n- Vejen til og med 2019",
        "Billund ligger lavest. Vejen mod forventning højest.",
    ],
)
def test_vejen_opening_a_sentence_as_an_idiom_does_is_the_municipality(text: str):
    assert "Vejen" in [m.municipality.name for m, _, _ in find_municipalities(text)]


def test_letters_referred_to_by_their_date():
    letters = read(ANSWER).letters
    assert [(r.date, r.text) for r in letters] == [
        ("2024-02-20", "brev af 20. februar 2024"),
        ("2024-01-29", "brevet af 29. januar 2024"),
        ("2023-12-05", "svar af 5. december 2023"),
    ]
    assert read(COMMITTEE).letters[0].text == "brev af 3. oktober 2023"


def test_figures_with_what_and_whom_they_are_about():
    figures = {(f.value, f.unit): f for f in read(ANSWER).figures}
    assert figures[(31.0, "%")].municipality_code == "630"  # Vejle
    assert figures[(7.0, "%")].municipality_code == "376"  # Guldborgsund, named just before it
    assert figures[(18.0, "%")].measure == "andel af de sygemeldte"
    press = {(f.value, f.unit): f for f in read(PRESS).figures}
    assert press[(420.0, "personer")].municipality_code == "851"  # Aalborg
    assert press[(45.0, "mio. kr.")].period == "2023"
    assert press[(1150.0, "personer")].measure.startswith("personer det seneste år")


def test_persons_with_their_roles():
    assert [(p.name, p.role) for p in read(PRESS).persons] == [
        ("Mette Kirkegaard Holm", "beskæftigelsesminister"),
        ("Sofie Lund Andersen", "pressechef"),
    ]
    assert [(p.name, p.role) for p in read(NOTE).persons] == [
        ("Birgit Østergaard Thomsen", "specialkonsulent")
    ]


@pytest.fixture(scope="module")
def graph(build_cache: BuildCache | None) -> Graph:
    result = build(
        [CORPUS / ANSWER, CORPUS / PRESS, CORPUS / WEB, CORPUS / COMMITTEE, CORPUS / NOTE], cache=build_cache
    )
    assert not result.failed
    union = Graph()
    for named in result.dataset.graphs():
        union += named
    return union


def publication(graph: Graph, title: str):
    return next(graph.subjects(DCTERMS.title, Literal(title, lang="da")))


def test_a_publication_links_municipalities_letters_provisions_figures_and_persons(graph: Graph):
    node = publication(graph, "Svar på spørgsmål nr. 118 (Alm. del) fra Folketingets Beskæftigelsesudvalg")
    assert (node, RDF.type, BG.Publication) in graph
    assert (node, SCHEMA.datePublished, Literal("2024-03-14", datatype=XSD.date)) in graph
    assert (node, SCHEMA.mentions, iris.municipality("630")) in graph
    mention = next(
        m for m in graph.subjects(OA.hasBody, iris.municipality("376")) if (m, OA.hasTarget, node) in graph
    )
    assert (mention, BG.surfaceForm, Literal("Guldborgsund")) in graph
    # the same provision IRI the cards and letters use; "samme lovs § 16a" resolved to LBK 280/2024
    assert (node, DCTERMS.references, iris.legal_provision(2024, 280, "16a", "4")) in graph
    assert (node, DCTERMS.references, iris.legal_provision(2024, 280, "32", "1")) in graph
    letters = [o for o in graph.objects(node, DCTERMS.references) if (o, RDF.type, BG.Letter) in graph]
    dates = sorted(str(d) for letter in letters for d in graph.objects(letter, SCHEMA.dateSent))
    assert dates == ["2023-12-05", "2024-01-29", "2024-02-20"]
    assert all((letter, BG.referredOnly, Literal(True)) in graph for letter in letters)
    observations = [
        o for o in graph.subjects(BG.statedIn, node) if (o, RDF.type, SCHEMA.Observation) in graph
    ]
    about = {str(graph.value(o, SCHEMA.value)): graph.value(o, SCHEMA.observationAbout) for o in observations}
    assert about["31"] == iris.municipality("630") and about["7"] == iris.municipality("376")  # canonical
    minister = next(graph.subjects(SCHEMA.name, Literal("Mette Kirkegaard Holm")))
    assert (node, SCHEMA.mentions, minister) in graph
    assert (minister, SCHEMA.jobTitle, Literal("beskæftigelsesminister", lang="da")) in graph


def test_an_unreadable_date_is_said_to_be_unknown(graph: Graph):
    node = publication(graph, "Samarbejde mellem jobcenter og a-kasser om de første samtaler")
    assert (node, SCHEMA.datePublished, None) not in graph and (node, SCHEMA.dateModified, None) not in graph
    source = iris.source_document(NOTE)
    assert (source, BG.documentStatus, BG.ValidWithWarnings) in graph
    problem = graph.value(source, BG.problem)
    assert (problem, BG.focusNode, node) in graph
    assert "date could not be read" in str(graph.value(problem, BG.message))


def test_the_publication_iri_comes_from_its_text_not_its_file_name(tmp_path: Path, graph: Graph):
    renamed = tmp_path / "omdoebt.txt"
    renamed.write_bytes((CORPUS / PRESS).read_bytes())
    other = Graph()
    for named in build([renamed]).dataset.graphs():
        other += named
    title = Literal("Flere langtidsledige er kommet i job i Nordjylland", lang="da")
    assert next(other.subjects(DCTERMS.title, title)) == next(graph.subjects(DCTERMS.title, title))
