"""Long sections of node pages, a page at a time, on a generated corpus served by uvicorn."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from starlette.applications import Starlette

from bench.corpus import generate
from beskgraph.api.pages.nodes import href
from beskgraph.api.pages.terms import term
from beskgraph.build import build, serialise
from beskgraph.config import SEEDS_DIR
from beskgraph.store import EmbeddedStore
from tests.support import http
from tests.support.pages import BROWSER_ACCEPT, seed_app

ROWS = 10
HIDDEN = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "https://w3id.org/beskgraph/ontology#sourceSpan",
    "http://www.w3.org/ns/prov#wasDerivedFrom",
}
MOST_LINKED = """
SELECT ?m (COUNT(*) AS ?n) WHERE { ?m a <https://w3id.org/beskgraph/ontology#Municipality> . ?s ?p ?m }
GROUP BY ?m ORDER BY DESC(?n) ?m LIMIT 1
"""


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    """Ten generated documents (one of them an appendix of letters), built by the real parsers."""
    paths = generate(10, tmp_path_factory.mktemp("corpus"), SEEDS_DIR, seed=0)
    trig = serialise(build(paths).dataset, "trig")
    store = EmbeddedStore()
    store.load_dataset(trig.encode() if isinstance(trig, str) else trig, "application/trig")
    return store


@pytest.fixture(scope="module")
def municipality(corpus_store: EmbeddedStore) -> str:
    return str(corpus_store.select(MOST_LINKED)[0]["m"])


def incoming(store: EmbeddedStore, node: str) -> set[tuple[str, str]]:
    """(property, link) of every link to ``node`` a page lists, read from the store by itself."""
    rows = store.select(f"SELECT ?s ?p WHERE {{ ?s ?p <{node}> }}")
    return {
        (term(str(r["p"])).curie, href(str(r["s"])))
        for r in rows
        if str(r["p"]) not in HIDDEN and not str(r["s"]).startswith(node + "#")
    }


def get(url: str, status: int = 200) -> str:
    response = http.get(url, headers={"accept": BROWSER_ACCEPT}, timeout=60)
    assert response.status_code == status, (url, response.text[:300])
    return response.text


def section(page: str, anchor: str) -> str:
    """The table with id ``anchor`` and the pager after it."""
    return page.split(f'id="{anchor}"', 1)[1].split("</nav>", 1)[0]


def rows_of(table: str) -> list[tuple[str, str]]:
    """(property, link) of each row of a facts table, in page order."""
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        prop = re.search(r'<span title="([^"]+)"', row).group(1)
        found += [(prop, html.unescape(link)) for link in re.findall(r'<li[^>]*><a href="([^"]+)"', row)]
    return found


def pager_link(page: str, anchor: str, rel: str) -> str | None:
    match = re.search(rf'<a rel="{rel}" href="([^"]+)"', section(page, anchor))
    return html.unescape(match.group(1)) if match else None


@pytest.fixture
def site(serve_app: Callable[[Starlette], str], corpus_store: EmbeddedStore) -> str:
    return serve_app(seed_app(corpus_store, page_rows=ROWS))


def test_links_to_a_municipality_are_listed_a_page_at_a_time(
    site: str, corpus_store: EmbeddedStore, municipality: str
) -> None:
    expected = incoming(corpus_store, municipality)
    assert len(expected) > 3 * ROWS  # the corpus is big enough to need several pages
    path = href(municipality)
    first = get(site + path)
    shown = section(first, "peger-hertil")
    total = int(re.search(r'<span class="total">([\d.]+)</span>', shown).group(1).replace(".", ""))
    assert total == len(expected)
    assert (
        'aria-label="Sider: henvisninger hertil"' in shown
        and pager_link(first, "peger-hertil", "prev") is None
    )
    listed, url, pages = rows_of(shown), site + path, 1
    assert len(listed) == ROWS
    while (following := pager_link(get(url), "peger-hertil", "next")) is not None:
        url, pages = site + following, pages + 1
        assert following == f"{path}?incoming={pages}#peger-hertil"
        page = get(url.split("#")[0])
        rows = rows_of(section(page, "peger-hertil"))
        assert not set(rows) & set(listed)  # no overlap with any page before
        assert len(rows) == (ROWS if pages * ROWS <= total else total - (pages - 1) * ROWS)
        assert (
            pager_link(page, "peger-hertil", "prev")
            == (path if pages == 2 else f"{path}?incoming={pages - 1}") + "#peger-hertil"
        )
        listed += rows
    assert pages == -(-total // ROWS)  # the last page has no next link, and it is the last
    assert set(listed) == expected and len(listed) == total


def test_other_sections_keep_their_page_and_the_machine_forms_stay_whole(
    serve_app: Callable[[Starlette], str], corpus_store: EmbeddedStore, municipality: str
) -> None:
    site = serve_app(seed_app(corpus_store, page_rows=2))
    path = href(municipality)
    letters = {
        str(r["l"])
        for r in corpus_store.select(
            "SELECT DISTINCT ?l WHERE { ?l a <https://w3id.org/beskgraph/ontology#Letter> . "
            f"{{ ?l <https://w3id.org/beskgraph/ontology#municipality> <{municipality}> }} UNION "
            f"{{ ?l <https://schema.org/sender>|<https://schema.org/recipient> <{municipality}> }} }}"
        )
    }
    assert len(letters) > 2
    seen: list[str] = []
    for number in range(1, -(-len(letters) // 2) + 1):
        page = get(f"{site}{path}?incoming=3&letters={number}")
        block = page.split('id="breve"', 1)[1].split("</section>", 1)[0]
        listed = block.split('<ol class="letters">', 1)[1].split("</ol>", 1)[0]
        seen += [html.unescape(a) for a in re.findall(r'<li><a href="([^"]+)"', listed)]
        assert f'<span class="total">{len(letters)}</span>' in block
        assert "incoming=3" in (pager_link(page, "breve", "next") or pager_link(page, "breve", "prev"))
    assert sorted(seen) == sorted(href(letter) for letter in letters)
    turtle = http.get(f"{site}{path}?incoming=2", headers={"accept": "application/n-triples"}, timeout=60)
    whole = corpus_store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p <{municipality}> }}")[0]["n"]
    assert turtle.text.count(f"<{municipality}> .\n") == whole  # every link, not a page of them


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "٣", "9" * 12, "99"])
def test_a_page_the_section_does_not_have_is_a_400(site: str, municipality: str, value: str) -> None:
    page = get(f"{site}{href(municipality)}?incoming={value}", status=400)
    assert "Ugyldigt sidetal" in page and "?incoming=" in html.unescape(page)


def test_the_last_page_is_served_and_the_next_is_not(
    site: str, corpus_store: EmbeddedStore, municipality: str
) -> None:
    last = -(-len(incoming(corpus_store, municipality)) // ROWS)
    page = get(f"{site}{href(municipality)}?incoming={last}")
    assert pager_link(page, "peger-hertil", "next") is None and pager_link(page, "peger-hertil", "prev")
    error = get(f"{site}{href(municipality)}?incoming={last + 1}", status=400)
    assert f"brug 1 til {last}" in html.unescape(error)
