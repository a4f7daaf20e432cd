"""IRIs are derived from content (docs/iris.md): renaming files, reading a letter in
another appendix or reordering a card's answers renames nothing read from them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from beskgraph.build import build
from beskgraph.config import SEEDS_DIR
from beskgraph.model.card import Card
from beskgraph.parse import parse_document
from beskgraph.parse.criteria import match_criteria
from beskgraph.parse.letters import parse_correspondence
from beskgraph.rdf import iris
from beskgraph.rdf.cards import card_to_rdf
from beskgraph.rdf.letters import correspondence_to_rdf
from beskgraph.text import SourceText
from beskgraph.vocabulary import BG, SCHEMA
from tests.support.union_graph import union

APPENDIX = "003_aec37f0f2b66ca76.txt"
# New names that also sort the files in another order.
RENAMED = {
    "000_2ad044e4a048410a.txt": "kort-middelfart.txt",
    "001_0790efc861254765.txt": "kort-taarnby.txt",
    "002_d90a65f16f5ed762.txt": "card-skanderborg.txt",
    APPENDIX: "a-bilag-243.txt",
    "004_730bd07cf616a49a.txt": "b-kalundborg.txt",
}


def nquads(result) -> set[str]:
    return {line.decode() for line in result.serialise("nquads").splitlines() if line.strip()}


@pytest.mark.integration  # the seeds built again
def test_renaming_every_file_renames_only_what_names_the_file(seed_build, tmp_path: Path) -> None:
    for old, new in RENAMED.items():
        shutil.copy(SEEDS_DIR / old, tmp_path / new)
    renamed = build([tmp_path])

    def as_before(line: str) -> str:
        for old, new in RENAMED.items():
            for kind in ("source", "graph"):
                line = line.replace(
                    str(iris.iri(kind, "")) + Path(new).stem,
                    str(iris.iri(kind, "")) + Path(old).stem.replace("_", "-"),
                )
            line = line.replace(f'"{new}"', f'"{old}"')
        return line

    # a graph's digest is a hash of its content, which names the file: it follows the file too
    before, after = (
        {line for line in nquads(result) if "#graphDigest>" not in line} for result in (seed_build, renamed)
    )
    assert len(after) == len(before) > 5000
    assert before != after  # the source documents, spans and graphs did follow the files
    assert {as_before(line) for line in after} == before
    sources = {s for s in union(renamed).subjects(RDF.type, BG.SourceDocument)}
    assert sources == {iris.source_document(new) for new in RENAMED.values()}


LINKS = (
    SCHEMA.sender,
    SCHEMA.recipient,
    SCHEMA.author,
    BG.signatory,
    BG.inReplyTo,
    BG.municipality,
    SCHEMA.mentions,
)


def _letter_nodes(graph: Graph, letter: URIRef) -> set[URIRef]:
    """The letter, the nodes within it (but its spans), and the parties, persons and
    letters it links to."""
    nodes = {t for t in graph.all_nodes() if isinstance(t, URIRef) and str(t).startswith(str(letter))}
    return nodes | {o for p in LINKS for o in graph.objects(letter, p)}


def test_the_same_letter_in_another_appendix_keeps_its_iris(tmp_path: Path) -> None:
    seed = SourceText.read(SEEDS_DIR / APPENDIX)
    doc = parse_correspondence(seed)
    reply = next(lt for lt in doc.letters if lt.key.startswith("2018-07-06-hilleroed"))
    header = "BEU, Alm.del - 2021-22 - Bilag 243: Besvarelse af spørgsmål fra lukket spørgetime om mangel på arbejdskraft den 2/3-2022"
    other = (
        "Beskæftigelsesudvalget 2018-19\nBEU Alm.del Bilag 17\nOffentligt\n"
        + seed.slice(reply.span).replace(
            header, "BEU, Alm.del - 2018-19 - Bilag 17: Redegørelser fra kommunerne"
        )
        + "\n"
    )
    path = tmp_path / "bilag-17.txt"
    path.write_text(other, encoding="utf-8")
    elsewhere = parse_correspondence(SourceText.read(path))
    assert elsewhere.appendix.number == 17

    first, second = Graph(), Graph()
    correspondence_to_rdf(doc, first)
    correspondence_to_rdf(elsewhere, second)
    letter = iris.letter(reply.key)
    assert (letter, RDF.type, BG.Letter) in second
    within = _letter_nodes(first, letter)
    kinds = {
        str(n).removeprefix(str(letter)).split("/")[1]
        for n in within
        if str(n) != str(letter) and str(n).startswith(str(letter))
    }
    assert {
        "initiative",
        "commitment",
        "mention",
        "identifier",
        "signatory",
        "recipient",
        "observation",
    } <= kinds
    assert within <= set(second.all_nodes())
    assert set(second.objects(letter, DCTERMS.isPartOf)) == {
        iris.iri("appendix", "beu-alm-del-bilag-17-2018-19")
    }
    assert set(first.objects(letter, DCTERMS.isPartOf)) == {
        iris.iri("appendix", "beu-alm-del-bilag-243-2021-22")
    }


def test_reordering_a_cards_answers_renames_none(tmp_path: Path) -> None:
    card = (SEEDS_DIR / "000_2ad044e4a048410a.txt").read_text(encoding="utf-8").split("\n")
    first = next(i for i, line in enumerate(card) if line.strip().startswith("• Ja:"))
    swapped = [*card[:first], card[first + 1], card[first], *card[first + 2 :]]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "kort.txt").write_text("\n".join(card), encoding="utf-8")
    (tmp_path / "b" / "kort.txt").write_text("\n".join(swapped), encoding="utf-8")
    answers = []
    for folder in ("a", "b"):
        graph = union(build([tmp_path / folder]))
        answers.append(
            {
                (a, str(graph.value(a, BG.text)), int(graph.value(a, BG.position)))
                for a in graph.subjects(RDF.type, BG.Assessment)
            }
        )
    original, reordered = answers
    assert len(original) == 23
    assert {(a, t) for a, t, _ in original} == {(a, t) for a, t, _ in reordered}
    assert {(a, p) for a, _, p in original} != {(a, p) for a, _, p in reordered}


def test_persons_are_minted_with_the_organisation_they_sign_for(seed_build) -> None:
    graph = union(seed_build)
    persons = {
        str(p).removeprefix(str(iris.iri("person", ""))) for p in graph.subjects(RDF.type, SCHEMA.Person)
    }
    assert {
        "beskaeftigelsesministeriet/troels-lund-poulsen",
        "230/jens-ive",
        "230/birgitte-n-lundgren",
        "219/kirsten-jensen",
    } <= persons
    assert iris.person("Jens Hansen", "219") != iris.person("Jens Hansen", "259")


def test_a_target_group_of_the_act_is_named_by_its_provision_however_written(tmp_path: Path) -> None:
    """ "§ 6, nr. 1 Dagpengemodtagere" is the group "§6.1 Dagpengemodtagere" (it was a second one)."""
    text = (SEEDS_DIR / "000_2ad044e4a048410a.txt").read_text(encoding="utf-8")
    written = tmp_path / "kort.txt"
    written.write_text(
        text.replace("§6.1 Dagpengemodtagere", "§ 6, nr. 1 Dagpengemodtagere"), encoding="utf-8"
    )
    groups = []
    for path in (SEEDS_DIR / "000_2ad044e4a048410a.txt", written):
        card = parse_document(path)
        assert isinstance(card, Card)
        graph = Graph()
        card_to_rdf(card, graph, match_criteria([card]))
        groups.append(
            {
                (g, str(graph.value(g, SKOS.altLabel)))
                for g in graph.subjects(RDF.type, BG.TargetGroup)
                if graph.value(g, SKOS.notation) is not None
            }
        )
    assert groups == [
        {(iris.target_group("§6.1 Dagpengemodtagere"), "§6.1 Dagpengemodtagere")},
        {(iris.target_group("§6.1 Dagpengemodtagere"), "§ 6, nr. 1 Dagpengemodtagere")},
    ]
