"""Each build is a prov:Activity of beskgraph (name, version) with its start and end time and
the source documents it used; each source document carries its text, the text's SHA-256 and,
where known, the public page it was taken from. Only the two times differ between builds of
the same sources, and SOURCE_DATE_EPOCH fixes those too."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from beskgraph import __version__
from beskgraph.build import BuildResult, build
from beskgraph.cache import BuildCache
from beskgraph.config import SEEDS_DIR
from beskgraph.rdf import iris
from beskgraph.vocabulary import BG, SCHEMA
from tests.support.union_graph import union

APPENDIX = "003_aec37f0f2b66ca76.txt"
APPENDIX_PAGE = "https://www.ft.dk/samling/20211/almdel/BEU/bilag/243/2567877/index.htm"


def build_graph(result: BuildResult) -> Graph:
    return result.dataset.graph(iris.build_graph())


def times(result: BuildResult) -> tuple[datetime, datetime]:
    graph = build_graph(result)
    (activity,) = graph.subjects(RDF.type, PROV.Activity)
    return graph.value(activity, PROV.startedAtTime).toPython(), graph.value(
        activity, PROV.endedAtTime
    ).toPython()


def test_the_build_is_an_activity_of_this_software_that_used_every_source(seed_build: BuildResult) -> None:
    graph = build_graph(seed_build)
    (activity,) = graph.subjects(RDF.type, PROV.Activity)
    software = graph.value(activity, PROV.wasAssociatedWith)
    assert (software, RDF.type, PROV.SoftwareAgent) in graph
    assert graph.value(software, SCHEMA.name) == Literal("beskgraph")
    assert graph.value(software, SCHEMA.softwareVersion) == Literal(__version__)
    sources = sorted(SEEDS_DIR.glob("*.txt"))
    assert set(graph.objects(activity, PROV.used)) == {iris.source_document(p.name) for p in sources}
    assert set(graph.subjects(PROV.wasGeneratedBy, activity)) == {iris.named_graph(p.name) for p in sources}
    started, ended = times(seed_build)
    assert started <= ended


def test_each_source_carries_its_text_its_checksum_and_its_public_page(seed_build: BuildResult) -> None:
    graph = union(seed_build)
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        node = iris.source_document(path.name)
        assert graph.value(node, SCHEMA.sha256) == Literal(hashlib.sha256(path.read_bytes()).hexdigest())
        assert graph.value(node, RDF.value) == Literal(path.read_text(encoding="utf-8"))
    pages = {str(s): str(o) for s, o in graph.subject_objects(DCTERMS.source)}
    assert pages == {str(iris.source_document(APPENDIX)): APPENDIX_PAGE}  # the cards' pages are not known


def test_the_pinned_build_time_is_sources_date_epoch(seed_build: BuildResult) -> None:
    graph = build_graph(seed_build)
    (activity,) = graph.subjects(RDF.type, PROV.Activity)
    pinned = Literal(
        "2026-01-01T01:00:00+01:00", datatype=XSD.dateTime
    )  # SOURCE_DATE_EPOCH in conftest, Danish time
    assert graph.value(activity, PROV.startedAtTime) == graph.value(activity, PROV.endedAtTime) == pinned


@pytest.mark.integration  # the seeds built again
def test_a_build_on_the_real_clock_differs_only_in_its_two_times(
    seed_build: BuildResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    before = datetime.now().astimezone().replace(microsecond=0)
    result = build([SEEDS_DIR])  # no cache: every graph made on the real clock
    after = datetime.now().astimezone()
    started, ended = times(result)
    assert before <= started <= ended <= after

    def without_times(nquads: bytes) -> set[bytes]:
        """Every quad but the two times and the build graph's digest, which hashes them."""
        digest = b"<" + iris.build_graph().encode() + b"> <" + BG.graphDigest.encode() + b">"
        return {
            line for line in nquads.splitlines() if b"AtTime>" not in line and not line.startswith(digest)
        }

    real, pinned = result.serialise("nquads"), seed_build.serialise("nquads")
    assert real != pinned
    assert without_times(real) == without_times(pinned)
    assert len(pinned.splitlines()) - len(without_times(pinned)) == 3


def test_the_activity_is_named_by_the_software_version_and_the_inputs(
    seed_build: BuildResult, tmp_path: Path, build_cache: BuildCache | None
) -> None:
    (seed_activity,) = build_graph(seed_build).subjects(RDF.type, PROV.Activity)
    # one of the seeds alone (under its own name, so the session's build cache has its graph)
    (tmp_path / APPENDIX).write_bytes((SEEDS_DIR / APPENDIX).read_bytes())
    result = build([tmp_path], cache=build_cache)
    (activity,) = build_graph(result).subjects(RDF.type, PROV.Activity)
    assert isinstance(activity, URIRef) and activity != seed_activity
    assert str(activity).startswith(str(iris.iri("build", "")))
    assert list(build_graph(result).objects(activity, PROV.used)) == [iris.source_document(APPENDIX)]
