"""What the server publishes is what passed SHACL: the store gives back the build's quads as
they were built (datatypes and lexical forms), and its dumps conform to the shapes — for the
seeds and for a synthetic corpus of the benchmark."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal
from starlette.applications import Starlette

from bench.corpus import generate
from beskgraph.build import build
from beskgraph.config import SEEDS_DIR
from beskgraph.rdf.literals import decimal, duration, integer
from beskgraph.validate import check
from tests.support.publish import download, parse_trig, serve_build


def lines(nquads: bytes) -> set[bytes]:
    return {line for line in nquads.splitlines() if line.strip()}


def test_the_served_seed_dump_conforms(served_seed_graph) -> None:
    assert len(served_seed_graph) > 8000
    assert check(served_seed_graph) == []


def test_the_server_gives_back_exactly_the_built_quads(served_seeds: str, seed_build) -> None:
    built = lines(seed_build.serialise("nquads"))
    assert len(built) == seed_build.triples > 8000
    assert lines(download(served_seeds, "/dump.nq")) == built


def test_the_validate_command_accepts_the_served_dump(served_seeds: str, tmp_path: Path) -> None:
    dump = tmp_path / "served.trig"
    dump.write_bytes(download(served_seeds, "/dump.trig"))
    result = subprocess.run(
        [sys.executable, "-m", "beskgraph.cli", "validate", str(dump)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_a_bench_corpus_is_served_as_built_and_conforms(
    serve_app: Callable[[Starlette], str], tmp_path: Path
) -> None:
    sources = tmp_path / "corpus"
    generate(40, sources, SEEDS_DIR, seed=0)
    result = build([sources])
    assert sorted(result.kinds().items()) == [("catalogue-card", 38), ("correspondence", 2)]
    # 38 cards, 38 interventions: no two generated cards name one intervention (an IRI keeps
    # only the start of a long title, so some seeds give two cards of one municipality the
    # same intervention, whose merged facts no single document's validation sees)
    interventions = {
        line.split(b" ")[0]
        for line in result.serialise("nquads").splitlines()
        if b"> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/beskgraph/ontology#Intervention>"
        in line
    }
    assert len(interventions) == 38
    site = serve_build(serve_app, result)
    built = lines(result.serialise("nquads"))
    assert lines(download(site, "/dump.nq")) == built
    served = parse_trig(download(site, "/dump.trig"))
    assert len(served) > 30_000
    assert check(served) == []


@pytest.mark.parametrize(
    ("literal", "lexical"),
    [
        (integer(0), "0"),
        (integer(410), "410"),
        (decimal("89.0"), "89"),
        (decimal(1160.0), "1160"),
        (decimal(4.3), "4.3"),
        (decimal("0.90"), "0.9"),
        (decimal(Decimal("-0.0")), "0"),
        (decimal("0.05"), "0.05"),
        (duration("P6M"), "P6M"),
        (duration("P12M"), "P1Y"),
        (duration("P18M"), "P1Y6M"),
        (duration("P2W"), "P14D"),
        (duration("P3D"), "P3D"),
        (duration("P0D"), "PT0S"),
    ],
)
def test_literals_are_written_in_the_form_the_store_keeps(literal: Literal, lexical: str) -> None:
    assert str(literal) == lexical
    store = ox.Store()
    term = ox.Literal(str(literal), datatype=ox.NamedNode(str(literal.datatype)))
    node = ox.NamedNode("https://w3id.org/beskgraph/x")
    store.add(ox.Quad(node, node, term))
    [kept] = [quad.object for quad in store]
    assert (kept.value, kept.datatype.value) == (lexical, str(literal.datatype))


def test_a_duration_of_other_units_is_refused() -> None:
    with pytest.raises(ValueError, match="P1H"):
        duration("P1H")
