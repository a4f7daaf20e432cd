"""Quarantine, not failure: the seeds and a corpus of bad and noisy documents build; every
usable document is in, every bad one is left out whole and says why (file, line, focus
node, path, message), as data too. Warnings do not leave a document out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from beskgraph.build import BuildFailed, BuildResult, build
from beskgraph.cache import BuildCache
from beskgraph.config import SEEDS_DIR, data_folder
from beskgraph.model.common import Severity, Stage, Status
from beskgraph.rdf import iris
from beskgraph.store.embedded import EmbeddedStore
from beskgraph.sync import stored_hashes, sync
from beskgraph.validate import check
from beskgraph.vocabulary import BG, SH
from tests.support.paths import CORPUS
from tests.support.union_graph import union

# integration: builds of the seeds with a corpus of bad and noisy documents, and the command line
pytestmark = pytest.mark.integration

LEFT_OUT = {  # document -> (stage, line, start of the reason)
    "tom.txt": (Stage.READ, 1, "empty document"),
    "scannet_side.txt": (Stage.READ, 1, "binary data, not text"),
    "forkert_utf16.txt": (Stage.READ, 2, "starts with a utf-16 byte-order mark but is not utf-16"),
    "kort_odense_score_7_5.txt": (Stage.VALIDATE, 46, "A test result has one published score in [0, 5]."),
    "kort_vejle_dublet.txt": (
        Stage.CORPUS,
        6,
        "duplicate card: same municipality (Vejle) and title as kort_vejle_crlf.txt",
    ),
}
WITH_WARNINGS = {
    "002_d90a65f16f5ed762.txt": "answer printed without its label",
    "kort_aarhus_afbrudt.txt": "the card ends inside the answers of its God praksis test",
    "brev_ocr_ulaeselig_dato.txt": "The letter's date could not be read: its date is unknown",
    "notat_samarbejde_a_kasser_latin1.txt": "The text's date could not be read",
}


@pytest.fixture(scope="module")
def corpus_build(build_cache: BuildCache | None) -> BuildResult:
    return build([SEEDS_DIR, CORPUS], cache=build_cache)


def test_every_document_gets_a_status_and_bad_ones_are_left_out_with_their_reason(corpus_build):
    by_name = {d.name: d for d in corpus_build.documents}
    assert len(by_name) == 5 + len(list(CORPUS.iterdir()))
    for name, (stage, line, reason) in LEFT_OUT.items():
        outcome = by_name[name]
        assert outcome.status is Status.LEFT_OUT, name
        (problem,) = [p for p in outcome.problems if p.severity is Severity.VIOLATION]
        assert (problem.stage, problem.line) == (stage, line), name
        assert problem.message.startswith(reason), (name, problem.message)
    for name, warning in WITH_WARNINGS.items():
        assert by_name[name].status is Status.WARNINGS, name
        assert any(warning in w for w in by_name[name].warnings), (name, by_name[name].warnings)
    ok = {n for n, d in by_name.items() if d.status is Status.OK}
    assert ok == set(by_name) - set(LEFT_OUT) - set(WITH_WARNINGS)
    assert corpus_build.statuses() == {Status.OK: 12, Status.WARNINGS: 4, Status.LEFT_OUT: 5}


def test_a_shape_violation_names_focus_node_and_path(corpus_build):
    outcome = next(d for d in corpus_build.documents if d.name == "kort_odense_score_7_5.txt")
    (problem,) = outcome.problems
    assert problem.focus == str(
        iris.test_result(
            iris.intervention("461", "Hurtig afklaring af sygemeldte med behov for fleksjob"), "good-practice"
        )
    )
    assert problem.path == str(BG.publishedScore)
    assert outcome.error == (
        f"kort_odense_score_7_5.txt:46: <{problem.focus}> [{problem.path}]: "
        "A test result has one published score in [0, 5]."
    )


def test_a_left_out_document_is_served_as_its_status_only_in_a_graph_of_its_own(corpus_build):
    name = "kort_odense_score_7_5.txt"
    graph = corpus_build.dataset.graph(iris.named_graph(name))
    source = iris.source_document(name)
    assert (source, BG.documentStatus, BG.LeftOut) in graph
    assert (source, DCTERMS.identifier, Literal(name)) in graph
    assert (source, BG.documentKind, BG.CatalogueCard) in graph
    (problem,) = graph.objects(source, BG.problem)
    assert (problem, BG.severity, SH.Violation) in graph
    assert (problem, BG.atLine, Literal(46, datatype=XSD.integer)) in graph
    assert (problem, BG.resultPath, BG.publishedScore) in graph
    assert not set(graph.subjects(RDF.type, BG.Intervention))  # nothing of the card itself
    everything = union(corpus_build)
    assert not [s for s in everything.subjects(RDF.type, BG.Intervention) if "/461-" in str(s)]


def test_the_duplicate_is_left_out_and_the_first_card_kept_unmerged(corpus_build):
    everything = union(corpus_build)
    vejle = iris.intervention("630", "Tidlig virksomhedskontakt for sygemeldte med længerevarende forløb")
    scores = set(everything.objects(iris.test_result(vejle, "evidence"), BG.publishedScore))
    assert [float(s) for s in scores] == [3.5]  # the first card's; the duplicate (4,0) is not merged in
    sources = {str(o) for o in everything.objects(vejle, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))}
    assert sources == {str(iris.source_document("kort_vejle_crlf.txt"))}


def test_the_whole_output_conforms_with_its_warnings_reported(corpus_build):
    results = check(union(corpus_build))
    assert [r for r in results if r.is_violation] == []
    warned = {(r.source, r.message.split(":")[0]) for r in results}
    assert warned == {
        ("brev_ocr_ulaeselig_dato.txt", "The letter's date could not be read"),
        ("notat_samarbejde_a_kasser_latin1.txt", "The text's date could not be read"),
    }


def test_every_usable_document_is_served(corpus_build):
    everything = union(corpus_build)
    interventions = {str(s) for s in everything.subjects(RDF.type, BG.Intervention)}
    assert len(interventions) == 4 + 5  # the seeds' and Vejle, Horsens, Kolding, Fredericia, Aarhus
    assert len(set(everything.subjects(RDF.type, BG.Publication))) == 5
    statuses = {str(o) for o in everything.objects(None, BG.documentStatus)}
    assert statuses == {str(BG.Valid), str(BG.ValidWithWarnings), str(BG.LeftOut)}


def test_strict_fails_naming_every_document_left_out(build_cache: BuildCache | None):
    with pytest.raises(BuildFailed) as error:
        build([SEEDS_DIR, CORPUS], strict=True, cache=build_cache)
    message = str(error.value)
    assert message.startswith("strict build: 5 document(s) left out:")
    for name, (_, line, reason) in LEFT_OUT.items():
        assert f"{name}:{line}: " in message and reason in message


def test_warnings_alone_do_not_fail_a_strict_build(build_cache: BuildCache | None):
    result = build([SEEDS_DIR, CORPUS / "kort_aarhus_afbrudt.txt"], strict=True, cache=build_cache)
    assert result.statuses() == {Status.OK: 4, Status.WARNINGS: 2}


def _project_copy(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    for folder in ("seeds", "reference", "shapes", "ontology"):
        shutil.copytree(data_folder(folder), home / folder)
    return home


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BESKGRAPH_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "beskgraph.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_broken_reference_data_or_ontology_still_fails_the_build(tmp_path: Path):
    home = _project_copy(tmp_path)
    out = tmp_path / "g.trig"
    municipalities = home / "reference" / "municipalities.csv"
    municipalities.write_text(
        municipalities.read_text(encoding="utf-8").replace("\n410,", "\n4100,"), encoding="utf-8"
    )
    result = _cli(home, "build", "-o", str(out), "--no-cache")
    assert result.returncode == 1
    assert "the reference data (reference/) violates the shapes" in result.stderr
    assert "three-digit kommunekode" in result.stderr and not out.exists()
    home = _project_copy(tmp_path / "again")
    (home / "ontology" / "broken.ttl").write_text("bg:x a owl:Class ;;", encoding="utf-8")
    result = _cli(home, "build", "-o", str(out), "--no-cache")
    assert result.returncode == 1 and "the shapes or the ontology cannot be read" in result.stderr


def test_shapes_that_cannot_be_read_fail_a_build_the_cache_could_answer(tmp_path: Path) -> None:
    """The cache answers a build only for the very folders it was made with: a dangling link
    among the shapes (no file, so nothing of it to read) fails the build as before."""
    home = _project_copy(tmp_path)
    out, cache = tmp_path / "g.trig", str(tmp_path / "cache")
    assert _cli(home, "build", "-o", str(out), "--cache", cache).returncode == 0
    before = out.read_bytes()
    (home / "shapes" / "zz.ttl").symlink_to(tmp_path / "nowhere.ttl")
    result = _cli(home, "build", "-o", str(out), "--cache", cache)
    assert result.returncode == 1 and "the shapes or the ontology cannot be read" in result.stderr
    assert out.read_bytes() == before


def test_two_files_with_one_graph_name_are_not_merged(tmp_path: Path):
    for folder in ("2024", "2025"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "kort.txt").write_bytes((SEEDS_DIR / "000_2ad044e4a048410a.txt").read_bytes())
    result = build([tmp_path / "2024", tmp_path / "2025"])
    assert [(d.name, d.status) for d in result.documents] == [
        ("2025/kort.txt", Status.LEFT_OUT),
        ("kort.txt", Status.OK),
    ]
    assert result.failed[0].error == (
        f"2025/kort.txt: 2025/kort.txt has the same graph name as 2024/kort.txt "
        f"(<{iris.named_graph('kort.txt')}>); rename one of them"
    )
    assert str(iris.named_graph("2025/kort.txt")) in {c.name for c in result.chunks}


def test_a_device_or_fifo_given_by_name_is_left_out_not_read_for_ever(tmp_path: Path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # no writer: opening it to read would wait for one
    card = tmp_path / "kort.txt"
    card.write_bytes((SEEDS_DIR / "000_2ad044e4a048410a.txt").read_bytes())
    done: list[BuildResult] = []
    reading = threading.Thread(target=lambda: done.append(build([card, fifo, Path(os.devnull)])), daemon=True)
    reading.start()
    reading.join(timeout=120)
    assert done, "the build waited on the FIFO"
    left_out = {d.name: d.error for d in done[0].documents if d.status is Status.LEFT_OUT}
    assert left_out == {
        name: f"{name}: cannot be read: not a regular file (a device, FIFO or socket)"
        for name in ("pipe.txt", Path(os.devnull).name)
    }
    assert [d.name for d in done[0].documents if d.ok] == ["kort.txt"]


def test_a_parse_over_its_cpu_limit_leaves_its_document_out_uncached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    letters = tmp_path / "breve.txt"  # the seed letters take tenths of a second of CPU to parse
    letters.write_bytes((SEEDS_DIR / "003_aec37f0f2b66ca76.txt").read_bytes())
    cache = BuildCache(tmp_path / "cache")
    monkeypatch.setenv("BESKGRAPH_MAX_PARSE_SECONDS", "0.01")
    over = build([letters], cache=cache)
    assert [(d.status, d.error) for d in over.documents] == [
        (Status.LEFT_OUT, "breve.txt: parsing took over 0.01 s of CPU time (BESKGRAPH_MAX_PARSE_SECONDS)")
    ]
    monkeypatch.delenv("BESKGRAPH_MAX_PARSE_SECONDS")
    again = build([letters], cache=cache)
    assert [(d.name, d.status, d.parsed) for d in again.documents] == [("breve.txt", Status.OK, True)]


PRESS_RELEASE = "Pressemeddelelse\n\nOm {title}\n\nDato: 3. marts 2020\n\nOdense Kommune.\n"


@pytest.mark.parametrize("name", ["reference.txt", "Ontology.txt", "build.md"])
def test_a_document_named_like_a_built_in_graph_is_left_out(
    tmp_path: Path, seed_build: BuildResult, name: str, build_cache: BuildCache | None
):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS_DIR, corpus)
    (corpus / name).write_text(PRESS_RELEASE.format(title="reference"), encoding="utf-8")
    result = build([corpus], cache=build_cache)
    graph = iris.named_graph(name)
    built_in = iris.built_in_graph(str(graph))
    assert built_in in ("reference data", "ontology", "build provenance")
    assert [(d.name, d.status) for d in result.failed] == [(f"corpus/{name}", Status.LEFT_OUT)]
    assert result.failed[0].error == (
        f"corpus/{name}: corpus/{name} has the graph name of the build's {built_in} (<{graph}>); rename it"
    )
    names = [c.name for c in result.chunks]
    assert names.count(str(graph)) == 1 and str(iris.named_graph(f"corpus/{name}")) in names
    if name != "build.md":  # the build graph holds this build's times
        assert _chunk(result, graph) == _chunk(seed_build, graph)  # the press release is not in it


def _chunk(result: BuildResult, graph: URIRef) -> bytes:
    return b"".join(next(c for c in result.chunks if c.name == str(graph)).nquads)


def test_a_document_named_reference_does_not_replace_the_reference_data_on_sync(
    tmp_path: Path, build_cache: BuildCache | None
):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS_DIR, corpus)
    release = corpus / "reference.txt"
    release.write_text(PRESS_RELEASE.format(title="reference"), encoding="utf-8")
    store = EmbeddedStore()
    sync(store, build([corpus], cache=build_cache))
    municipalities = (
        f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{iris.reference_graph()}> {{ ?m a <{BG.Municipality}> }} }}"
    )
    before = _count(store, municipalities)
    release.write_text(PRESS_RELEASE.format(title="noget andet"), encoding="utf-8")  # changed: synced again
    sync(store, build([corpus], previous=stored_hashes(store), cache=build_cache))
    assert before == 98 == _count(store, municipalities)


def _count(store: EmbeddedStore, query: str) -> int:
    return int(str(store.select(query)[0]["n"]))
