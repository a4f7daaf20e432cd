"""The pages in a real headless Chromium (Debian's, driven by Playwright): a reader's walk, axe-core, CORS.

Chromium runs with every background service off and a fresh profile; each test records
every request the browser makes and asserts that all of them went to the test server.
Screenshots are kept in tests/browser/artifacts/ (not committed).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from beskgraph.store import EmbeddedStore
from tests.support.pages import MIDDELFART, seed_app
from tests.support.paths import TESTS

sync_api = pytest.importorskip("playwright.sync_api")


CHROMIUM = Path(os.environ.get("BESKGRAPH_CHROMIUM", "/usr/bin/chromium"))
AXE = TESTS / "browser" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = TESTS / "browser" / "artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RUDERSDAL = "/letter/2018-07-09-rudersdal-til-beskaeftigelsesministeriet"


def required(present: bool, what: str) -> None:
    """Skip locally when a browser-test dependency is missing; fail in CI."""
    if not present:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {what}")
        pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A persistent Chromium context on a fresh profile (Debian's chromium; nothing downloaded)."""
    required(CHROMIUM.exists(), f"chromium at {CHROMIUM} (apt-get install chromium)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
            locale="da-DK",
        )
        context.set_default_timeout(20_000)
        yield context
        context.close()


@pytest.fixture
def recorded(browser: object) -> Iterator[tuple[object, list[str]]]:
    """A fresh tab and the URL of every request the browser makes from it."""
    urls: list[str] = []
    page = browser.new_page()  # type: ignore[attr-defined]
    page.on("request", lambda request: urls.append(request.url))
    yield page, urls
    page.close()


def assert_stayed_home(urls: list[str], *origins: str) -> None:
    """Every request went to one of ``origins`` (data: URLs never leave the browser)."""
    assert urls, "the browser made no request at all"
    strays = [
        u for u in urls if not u.startswith("data:") and not any(u.startswith(o + "/") for o in origins)
    ]
    assert not strays, strays[:5]


def shot(page: object, name: str) -> None:
    """A full-page screenshot in tests/browser/artifacts/ for a person to look at, when asked
    for with ``BESKGRAPH_SCREENSHOTS=1``: nothing asserts on them, and they took 10 s of the
    browser tests' 36 s."""
    if os.environ.get("BESKGRAPH_SCREENSHOTS") == "1":
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_a_reader_walks_from_search_to_sources_comparison_and_letters(
    serve_app: Callable[[Starlette], str], seed_store: EmbeddedStore, recorded: tuple[object, list[str]]
) -> None:
    site = serve_app(seed_app(seed_store))
    page, urls = recorded
    expect = sync_api.expect

    # search for a municipality from the home page
    page.goto(site + "/")
    expect(page).to_have_title(re.compile("Forside"))
    page.get_by_label("Søg efter en kommune").fill("Middelfart")
    page.get_by_label("Søg efter en kommune").press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=Middelfart"))
    hits = page.locator("ol.hits > li > a")
    expect(hits.first).to_have_text("Middelfart")
    shot(page, "01-search")
    hits.first.click()

    # the municipality, then its intervention
    expect(page).to_have_url(site + "/municipality/410")
    expect(page.locator("h1")).to_have_text("Middelfart")
    expect(page.locator("table.scores")).to_contain_text("4,3 / 4,3")
    page.get_by_role("link", name="Skærpet fokus på langtidsledighed ved 24 ugers ledighed").first.click()
    expect(page).to_have_url(site + "/" + MIDDELFART)
    answers = page.locator("table.answers").first
    expect(answers.locator("caption")).to_contain_text("Evidenstest")
    expect(answers.locator("tbody tr")).to_have_count(7)
    shot(page, "02-intervention")

    # an answer, followed to its sentence, marked in the source document
    answers.locator("tbody tr").first.get_by_role("link", name="se sætningen").click()
    expect(page).to_have_url(re.compile(r"/source/000-2ad044e4a048410a\?char=2294,2450#mark$"))
    mark = page.locator("mark#mark")
    expect(mark).to_have_text(re.compile(r"^I mindst 9 ud af 10 samtaler er der afsat mindst 15 minutters"))
    expect(mark).to_be_in_viewport()
    expect(page.locator("mark")).to_have_count(1)
    shot(page, "03-source-sentence")
    page.go_back()

    # a criterion, followed to its row in the comparison
    answers.locator("tbody tr").first.locator("td").nth(4).get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/criterion/evidence/"))
    expect(page.locator("table.answers tbody tr")).to_have_count(3)  # three cards answer it
    page.get_by_role("link", name="Se kriteriets række i sammenligningen").click()
    expect(page).to_have_url(re.compile(r"/compare#kriterium-"))
    row = page.locator("table.compare tr:target")
    expect(row).to_have_count(1)
    expect(row).to_be_in_viewport()
    expect(row.locator(".answer.ja")).to_have_count(2)  # Kalundborg, Middelfart
    expect(row.locator(".answer.nej")).to_have_count(1)  # Skanderborg
    expect(row.locator(".answer.ikke-spurgt")).to_have_count(1)
    shot(page, "04-compare-row")

    # a letter, and its chain of replies
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Tidslinje").click()
    expect(page.locator("h1")).to_contain_text("tidsakse")
    page.get_by_role(
        "link", name="Borgmesterkontoret (Rudersdal) til Beskæftigelsesministeriet, 9. juli 2018"
    ).first.click()
    expect(page).to_have_url(site + RUDERSDAL)
    thread = page.locator("ol.thread")
    expect(thread.locator("[aria-current=page]")).to_contain_text("dette brev")
    expect(page.locator("dl.parties")).to_contain_text("Jens Ive")
    shot(page, "05-letter")
    thread.locator("li.answered-by a").click()  # the ministry's reply
    expect(page.locator("h1")).to_have_text("Beskæftigelsesministeriet til Rudersdal, 31. august 2018")
    page.locator("ol.thread li.answers a").click()  # back along the chain: what it answers
    expect(page).to_have_url(site + RUDERSDAL)
    page.locator("ol.thread li.answers a").click()  # the letter it answers, known only by reference
    expect(page.locator("ol.thread li.this")).to_contain_text("kun omtalt")
    shot(page, "06-referred-letter")

    # the IRI of a span itself, opened in a browser, shows the span marked
    page.goto(site + "/source/000-2ad044e4a048410a#char=29,84")
    expect(page.locator("mark#mark")).to_have_text("Skærpet fokus på langtidsledighed ved 24 ugers ledighed")

    assert_stayed_home(urls, site)


def test_sparql_editor_runs_an_example_against_this_server(
    serve_app: Callable[[Starlette], str], seed_store: EmbeddedStore, recorded: tuple[object, list[str]]
) -> None:
    site = serve_app(seed_app(seed_store))
    page, urls = recorded
    page.goto(site + "/sparql")
    page.get_by_role("button", name="Indsatser med offentliggjort og genberegnet score").click()
    page.locator(".yasqe_queryButton").click()
    results = page.locator(".yasr table")
    sync_api.expect(results).to_contain_text("Middelfart")
    sync_api.expect(results).to_contain_text("Evidenstest")
    shot(page, "07-sparql")
    assert any(u.startswith(site + "/sparql") for u in urls[1:])
    assert_stayed_home(urls, site)


PAGES = [
    "/",
    "/search?q=Middelfart",
    "/municipality/410",
    "/" + MIDDELFART,
    "/" + MIDDELFART + "/test/evidence",
    "/" + MIDDELFART + "/test/evidence/answer/1",
    "/criterion/evidence/096ff85d5495",
    "/compare",
    "/compare?test=god-praksis",
    "/timeline",
    RUDERSDAL,
    "/source/000-2ad044e4a048410a?char=2294,2450",
    "/letter/2018-07-05-broendby-til-beskaeftigelsesministeriet/commitment/a9431d9b80a1",
    "/person/230/birgitte-n-lundgren",
    "/target-group/6-1-dagpengemodtagere",
    "/provision/2019-548/p6/nr1",
    "/graph/reference",
    "/ontology",
    "/shapes",
    "/sparql",
    "/nothing/here",
]


def test_every_page_passes_axe_without_critical_or_serious_violations(
    serve_app: Callable[[Starlette], str], seed_store: EmbeddedStore, recorded: tuple[object, list[str]]
) -> None:
    required(AXE.exists(), "axe-core (npm ci --prefix tests/browser)")
    site = serve_app(seed_app(seed_store))
    page, urls = recorded
    axe = AXE.read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for number, path in enumerate(PAGES):
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(content=axe)
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
        )
        bad = [
            f"{v['id']} ({v['impact']}): {v['nodes']}"
            for v in violations
            if v["impact"] in ("critical", "serious")
        ]
        if bad:
            found[path] = bad
        shot(page, f"axe-{number:02d}")
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)[:3000]
    assert_stayed_home(urls, site)


CROSS_ORIGIN_PAGE = """<!doctype html><html lang="en"><head><title>another origin</title></head><body>
<script>
async function run(api) {
  const out = {};
  try {
    const gql = await fetch(api + "/graphql", {method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({query: '{ municipality(code: "410") { name } }'})});
    out.graphql = await gql.json();
    const query = "SELECT ?name WHERE { <https://w3id.org/beskgraph/municipality/410> "
      + "<http://www.w3.org/2000/01/rdf-schema#label> ?name }";
    const sparql = await fetch(api + "/sparql?query=" + encodeURIComponent(query),
      {headers: {"Accept": "application/sparql-results+json"}});
    out.sparql = await sparql.json();
    const iri = await fetch(api + "/municipality/410", {headers: {"Accept": "text/turtle"}});
    out.turtle = await iri.text();
  } catch (error) { out.error = String(error); }
  return out;
}
</script></body></html>"""


def other_origin() -> Starlette:
    """A page on another loopback origin that reads the API with fetch()."""
    return Starlette(routes=[Route("/", lambda request: HTMLResponse(CROSS_ORIGIN_PAGE))])


def test_a_page_on_another_origin_reads_graphql_sparql_and_iris(
    serve_app: Callable[[Starlette], str], seed_store: EmbeddedStore, recorded: tuple[object, list[str]]
) -> None:
    api = serve_app(seed_app(seed_store))
    closed = serve_app(seed_app(seed_store, cors_origins=("http://example.invalid",)))
    elsewhere = serve_app(other_origin())
    assert elsewhere.rsplit(":", 1)[1] != api.rsplit(":", 1)[1]  # another origin
    page, urls = recorded
    page.goto(elsewhere + "/")
    result = page.evaluate("api => run(api)", api)
    assert "error" not in result, result
    assert result["graphql"]["data"] == {"municipality": {"name": "Middelfart"}}
    assert "errors" not in result["graphql"]
    assert result["sparql"]["results"]["bindings"][0]["name"]["value"] == "Middelfart"
    assert '"Middelfart"@da' in result["turtle"]
    # the same requests to a server that does not allow this origin are blocked by the browser
    refused = page.evaluate("api => run(api)", closed)
    assert "Failed to fetch" in refused.get("error", ""), refused
    assert_stayed_home(urls, api, closed, elsewhere)
