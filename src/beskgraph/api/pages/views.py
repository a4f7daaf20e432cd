"""The page of one node: the facts every node has, and what its kind adds (chosen by rdf:type)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from beskgraph.api.pages import queries as q
from beskgraph.api.pages.nodes import (
    Span,
    da_date,
    fact_window,
    fetch_labels,
    fetch_spans,
    group_facts,
    href,
    neighbours,
    span_href,
)
from beskgraph.api.pages.paging import Asked, Window, paged_keys
from beskgraph.api.pages.scores import TestView, fetch_tests
from beskgraph.api.pages.terms import term
from beskgraph.api.paths import local_path
from beskgraph.api.source_texts import SourceTexts
from beskgraph.store import Store, as_int
from beskgraph.vocabulary import BG

if TYPE_CHECKING:
    from beskgraph.api.node_description import Description


Builder = Callable[..., str]


@dataclass
class Page:
    template: str
    context: dict[str, Any]


@dataclass
class LetterItem:
    """A letter as lists show it."""

    iri: str
    label: str
    date: dt.date | None = None
    date_text: str = ""
    referred: bool = False
    relation: str = ""

    @property
    def href(self) -> str:
        return href(self.iri)

    @property
    def when(self) -> str:
        return da_date(self.date) if self.date else (self.date_text or "udateret")


@dataclass
class Commitment:
    """A promise made in a letter, with its deadline and whether a later letter acknowledged it."""

    iri: str
    text: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    deadline: str = ""
    by: str | None = None
    letter: str | None = None
    letter_date: dt.date | None = None
    acknowledged: list[tuple[str, dt.date | None]] = field(default_factory=list)
    span: str | None = None

    @property
    def source(self) -> str | None:
        return span_href(self.span) if self.span else None


def fetch_letters(store: Store, where: str, **iris: str) -> list[LetterItem]:
    rows = store.select(q.fill(q.LETTERS.replace("{where}", where), **iris))
    labels = fetch_labels(store, {str(r["l"]) for r in rows})
    letters: dict[str, LetterItem] = {}
    for row in rows:
        iri = str(row["l"])
        item = letters.setdefault(iri, LetterItem(iri, labels.get(iri, iri)))
        if isinstance(date := row.get("date"), dt.date) and item.date is None:
            item.date = date
        item.date_text = str(row.get("dateText", item.date_text))
        item.referred = bool(row.get("referred", item.referred))
    return sorted(letters.values(), key=lambda item: (item.date or dt.date.max, item.iri))


def fetch_commitments(store: Store, where: str, **iris: str) -> list[Commitment]:
    found: dict[str, Commitment] = {}
    for row in store.select(q.fill(q.COMMITMENTS.replace("{where}", where), **iris)):
        item = found.setdefault(str(row["c"]), Commitment(str(row["c"])))
        item.text = str(row.get("text", item.text))
        item.start = row.get("start", item.start)  # type: ignore[assignment]  # (an xsd:date: a date)
        item.end = row.get("end", item.end)  # type: ignore[assignment]  # (an xsd:date: a date)
        item.deadline = str(row.get("deadline", item.deadline))
        item.by = str(row["by"]) if "by" in row else item.by
        item.letter = str(row["letter"]) if "letter" in row else item.letter
        # ignored below: an xsd:date: a date
        item.letter_date = row.get("letterDate", item.letter_date)  # type: ignore[assignment]
        item.span = str(row["span"]) if "span" in row else item.span
        if "ack" in row and all(a != str(row["ack"]) for a, _ in item.acknowledged):
            # ignored below: an xsd:date: a date
            item.acknowledged.append((str(row["ack"]), row.get("ackDate")))  # type: ignore[arg-type]
    return list(found.values())


# ---------------------------------------------------------------------------
# The page of any node


def node_page(store: Store, found: Description, texts: SourceTexts, asked: Asked) -> Page:
    """The page of the node ``found`` names; long sections a page at a time."""
    iri = found.iri
    spans = [] if found.is_graph else fetch_spans(store, iri)
    own, facts_page = fact_window(store, iri, FACTS, asked, inbound=False)
    incoming, inbound_page = fact_window(store, iri, INCOMING, asked, inbound=True)
    triples = own + incoming
    labels = fetch_labels(store, neighbours(triples, iri) | {iri, *found.types})
    context: dict[str, Any] = {
        "iri": iri,
        "path": local_path(iri),
        "title": labels.get(iri, iri),
        "types": [term(t) for t in found.types],
        "facts": group_facts(triples, labels, spans, node=iri),
        "facts_page": facts_page,
        "inbound": group_facts(triples, labels, spans, node=iri, inbound=True),
        "inbound_page": inbound_page,
        "spans": spans,
        "is_graph": found.is_graph,
        "triple_count": graph_size(store, iri) if found.is_graph else None,
        "labels": labels,
    }
    for kind, build in KINDS:
        if kind in found.types:
            template = build(store, iri, context, texts, asked)
            return Page(template, context)
    return Page("resource.html", context)


# The sections a page lists a page of rows at a time: (query parameter, the section's id).
FACTS = ("facts", "fakta")
INCOMING = ("incoming", "peger-hertil")
INTERVENTIONS = ("interventions", "indsatser")
LETTERS = ("letters", "breve")
COMMITMENTS = ("commitments", "tilsagn")
ANSWERS = ("answers", "svar")


def graph_size(store: Store, graph: str) -> int:
    return as_int(store.select(q.fill(q.GRAPH_SIZE, graph=graph))[0]["n"])


def tests_page(store: Store, where: str, asked: Asked, **iris: str) -> tuple[list[TestView], Window]:
    keys, found = paged_keys(store, q.TESTS_KEYS.replace("{where}", where), INTERVENTIONS, asked, **iris)
    return (fetch_tests(store, q.among("test", keys) + " " + q.OF_TESTS) if keys else []), found


def letters_page(store: Store, where: str, asked: Asked, **iris: str) -> tuple[list[LetterItem], Window]:
    keys, found = paged_keys(store, q.LETTERS_KEYS.replace("{where}", where), LETTERS, asked, **iris)
    return (fetch_letters(store, q.among("l", keys)) if keys else []), found


def commitments_page(store: Store, where: str, asked: Asked, **iris: str) -> tuple[list[Commitment], Window]:
    keys, found = paged_keys(store, q.COMMITMENTS_KEYS.replace("{where}", where), COMMITMENTS, asked, **iris)
    return (fetch_commitments(store, q.among("c", keys)) if keys else []), found


def municipality(store: Store, iri: str, context: dict[str, Any], _: SourceTexts, asked: Asked) -> str:
    context["tests"], context["tests_page"] = tests_page(store, q.OF_MUNICIPALITY, asked, node=iri)
    context["letters"], context["letters_page"] = letters_page(
        store, q.LETTERS_OF_MUNICIPALITY, asked, node=iri
    )
    context["commitments"], context["commitments_page"] = commitments_page(
        store, q.COMMITMENTS_OF, asked, node=iri
    )
    context["labels"].update(fetch_labels(store, [c.letter for c in context["commitments"] if c.letter]))
    return "municipality.html"


def intervention(store: Store, iri: str, context: dict[str, Any], *_: object) -> str:
    context["tests"] = fetch_tests(store, q.OF_INTERVENTION, node=iri)
    groups = store.select(q.fill(q.TARGET_GROUPS_OF, node=iri))
    context["labels"].update(fetch_labels(store, {str(r["provision"]) for r in groups if "provision" in r}))
    context["target_groups"] = sorted(
        {(str(r["g"]), str(r["provision"]) if "provision" in r else "") for r in groups},
        key=lambda gp: context["labels"].get(gp[0], gp[0]),
    )
    return "intervention.html"


def with_tests(where: str, template: str) -> Builder:
    """A page that lists the test results of the interventions ``where`` selects."""

    def build(store: Store, iri: str, context: dict[str, Any], _: SourceTexts, asked: Asked) -> str:
        context["tests"], context["tests_page"] = tests_page(store, where, asked, node=iri)
        return template

    return build


def criterion(store: Store, iri: str, context: dict[str, Any], _: SourceTexts, asked: Asked) -> str:
    keys, context["answers_page"] = paged_keys(store, q.ANSWERS_KEYS, ANSWERS, asked, node=iri)
    tests = fetch_tests(store, q.among("a", keys) + " " + q.OF_ANSWERS) if keys else []
    context["labels"].update(fetch_labels(store, {t.municipality for t in tests if t.municipality}))
    context["answers"] = [(t, answer) for t in tests for answer in t.answers if answer.criterion == iri]
    context["row_id"] = row_id(iri)
    return "criterion.html"


def letter(store: Store, iri: str, context: dict[str, Any], _: SourceTexts, asked: Asked) -> str:
    thread = fetch_letters(store, q.THREAD, node=iri)
    relations = {str(r["other"]): str(r["relation"]) for r in store.select(q.fill(q.LETTER_LINKS, node=iri))}
    for item in thread:
        item.relation = "this" if item.iri == iri else relations.get(item.iri, "")
    context["thread"] = thread
    parties = store.select(q.fill(q.PARTIES, node=iri))
    context["parties"] = {
        role: [str(r["party"]) for r in parties if r["role"] == role]
        for role in ("sender", "recipient", "signatory", "author")
    }
    context["commitments"], context["commitments_page"] = commitments_page(
        store, q.COMMITMENTS_IN_LETTER, asked, node=iri
    )
    context["initiatives"] = store.select(q.fill(q.INITIATIVES_IN_LETTER, node=iri))
    context["labels"].update(
        fetch_labels(
            store,
            [a for c in context["commitments"] for a, _ in c.acknowledged]
            + [str(r["party"]) for r in parties],
        )
    )
    return "letter.html"


@dataclass
class Highlight:
    """The source text cut into the part before a span, the span, and the part after."""

    before: str
    marked: str
    after: str
    start: int
    end: int


def source_document(store: Store, iri: str, context: dict[str, Any], texts: SourceTexts, asked: Asked) -> str:
    text = texts.text(store, iri)
    context["text"] = text
    context["highlight"] = highlight(text, asked.query.get("char"))
    rows = store.select(q.fill(q.EXTRACTED, node=iri))
    context["labels"].update(fetch_labels(store, {str(r["node"]) for r in rows}))
    extracted: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = extracted.setdefault(str(row["node"]), {"types": set(), "spans": []})
        if "type" in row:
            entry["types"].add(term(str(row["type"])).da)
        if str(row["span"]) not in [s.iri for s in entry["spans"]]:
            entry["spans"].append(Span(str(row["span"]), "", None))
    context["extracted"] = extracted
    return "source.html"


def highlight(text: str | None, char: str | None) -> Highlight | None:
    """The span ``char=a,b`` (RFC 5147) of ``text``, if both are given and the span fits."""
    if text is None or not char:
        return None
    start, _, end = char.partition(",")
    if not (start.isdigit() and end.isdigit()):
        return None
    a, b = int(start), int(end)
    if not 0 <= a <= b <= len(text):
        return None
    return Highlight(text[:a], text[a:b], text[b:], a, b)


def row_id(criterion_iri: str) -> str:
    """The id of a criterion's row on /compare."""
    return "kriterium-" + criterion_iri.rstrip("/").rsplit("/", 1)[-1]


KINDS: list[tuple[str, Builder]] = [
    (str(BG.Municipality), municipality),
    (str(BG.Intervention), intervention),
    (str(BG.TestResult), with_tests(q.OF_TEST, "test_result.html")),
    (str(BG.Criterion), criterion),
    (str(BG.TargetGroup), with_tests(q.OF_TARGET_GROUP, "target_group.html")),
    (str(BG.Letter), letter),
    (str(BG.SourceDocument), source_document),
]
