"""Pages about the whole graph: home, the criteria × municipalities comparison, the timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from beskgraph.api.pages import queries as q
from beskgraph.api.pages.nodes import fetch_labels
from beskgraph.api.pages.scores import TestView, fetch_tests
from beskgraph.api.pages.terms import term
from beskgraph.api.pages.views import Commitment, LetterItem, fetch_commitments, fetch_letters, row_id
from beskgraph.model.card import TestKind
from beskgraph.store import Store, as_int
from beskgraph.vocabulary import BG

COUNTED = [  # what the home page counts, in this order
    (BG.Intervention, "indsatser", "interventions"),
    (BG.Letter, "breve", "letters"),
    (BG.Commitment, "tilsagn", "commitments"),
    (BG.Initiative, "initiativer", "initiatives"),
    (BG.Criterion, "testkriterier", "test criteria"),
    (BG.TargetGroup, "målgrupper", "target groups"),
    (BG.SourceDocument, "kildedokumenter", "source documents"),
    (BG.Municipality, "kommuner", "municipalities"),
]
TEST_SLUGS = {TestKind.EVIDENCE: "evidens", TestKind.GOOD_PRACTICE: "god-praksis"}  # /compare?test=
TEST_KINDS = {slug: kind.iri for kind, slug in TEST_SLUGS.items()}


def home(store: Store) -> dict[str, Any]:
    counts = {str(r["class"]): as_int(r["n"]) for r in store.select(q.PROLOGUE + q.COUNTS)}
    build = store.select(q.PROLOGUE + q.LAST_BUILD)
    attention = [
        r
        for r in store.select(q.PROLOGUE + q.ATTENTION)
        if r.get("mismatches") or r.get("inferred") or r.get("status")
    ]
    active = store.select(q.PROLOGUE + q.ACTIVE_MUNICIPALITIES)
    interventions = fetch_tests(store, q.ALL_INTERVENTIONS)
    return {
        "counts": [(da, en, counts.get(str(cls), 0)) for cls, da, en in COUNTED],
        "triples": store.count(),
        "last_build": build[0]["end"] if build else None,
        "attention": attention,
        "municipalities": active,
        "interventions": {(t.intervention, t.title, t.municipality) for t in interventions},
        "labels": fetch_labels(
            store,
            [str(r["doc"]) for r in attention] + [t.municipality for t in interventions if t.municipality],
        ),
    }


# ---------------------------------------------------------------------------
# /compare


@dataclass
class Column:
    """One intervention of one municipality."""

    intervention: str
    title: str
    municipality: str | None
    tests: dict[str, TestView] = field(default_factory=dict)  # by test kind


@dataclass
class Row:
    """One criterion: the answer of each column (None: not asked)."""

    criterion: str
    statement: str
    kind: str | None
    cells: dict[str, list[Any]] = field(default_factory=dict)  # intervention -> answers

    @property
    def id(self) -> str:
        return row_id(self.criterion)


def compare(store: Store, test: str | None, group: str | None) -> dict[str, Any]:
    kind = TEST_KINDS.get(test or "")
    if group:
        tests = fetch_tests(store, q.OF_TARGET_GROUP, node=group)
    else:
        tests = fetch_tests(store, q.ALL_INTERVENTIONS)
    columns: dict[str, Column] = {}
    rows: dict[str, Row] = {}
    for result in tests:
        column = columns.setdefault(
            result.intervention, Column(result.intervention, result.title, result.municipality)
        )
        if kind is not None and result.kind != str(kind):
            continue
        column.tests[result.kind or ""] = result
        for answer in result.answers:
            if answer.criterion is None:
                continue
            row = rows.setdefault(answer.criterion, Row(answer.criterion, answer.statement, result.kind))
            row.cells.setdefault(result.intervention, []).append(answer)
    labels = fetch_labels(store, [c.municipality for c in columns.values() if c.municipality])
    groups = [str(r["g"]) for r in store.select(q.PROLOGUE + q.TARGET_GROUPS_IN_USE)]
    labels.update(fetch_labels(store, groups))
    ordered = sorted(columns.values(), key=lambda c: (labels.get(c.municipality or "", ""), c.title))
    kinds = [str(k) for k in TEST_KINDS.values() if kind is None or k == kind]
    return {
        "columns": ordered,
        "rows": sorted(rows.values(), key=lambda r: (r.kind or "", r.statement)),
        "kinds": [(k, term(k).da) for k in kinds],
        "labels": labels,
        "groups": sorted(groups, key=lambda g: labels.get(g, g)),
        "test": test if kind is not None else "",
        "group": group or "",
        "test_choices": [(slug, term(str(k)).da) for slug, k in TEST_KINDS.items()],
    }


# ---------------------------------------------------------------------------
# /timeline


@dataclass
class Event:
    """One dated thing on the timeline."""

    date: dt.date
    kind: str  # letter | referred | deadline
    letter: LetterItem | None = None
    commitment: Commitment | None = None


def timeline(store: Store) -> dict[str, Any]:
    letters = fetch_letters(store, q.ALL_LETTERS)
    commitments = fetch_commitments(store, q.ALL_COMMITMENTS)
    events = [
        Event(item.date, "referred" if item.referred else "letter", letter=item)
        for item in letters
        if item.date
    ]
    events += [
        # ignored below: one of them is set: see the filter
        Event(c.end or c.start, "deadline", commitment=c)  # type: ignore[arg-type]
        for c in commitments
        if c.end or c.start
    ]
    # ignored below: an event has its letter or its commitment
    events.sort(key=lambda e: (e.date, e.kind != "letter", e.letter.iri if e.letter else e.commitment.iri))  # type: ignore[union-attr]
    years: dict[int, list[Event]] = {}
    for event in events:
        years.setdefault(event.date.year, []).append(event)
    named = [c.by for c in commitments if c.by] + [c.letter for c in commitments if c.letter]
    labels = fetch_labels(store, named + [a for c in commitments for a, _ in c.acknowledged])
    return {
        "years": years,
        "undated": [item for item in letters if not item.date],
        "labels": labels,
        "open": sum(1 for c in commitments if not c.acknowledged),
        "total": len(commitments),
    }
