"""Test results and their answers, as the intervention, municipality and compare pages show them."""

from __future__ import annotations

from dataclasses import dataclass, field

from beskgraph.api.pages import queries as q
from beskgraph.api.pages.nodes import span_href
from beskgraph.api.pages.terms import term
from beskgraph.store import Row, Store
from beskgraph.vocabulary import BG

ANSWER_CLASS = {str(BG.Yes): "ja", str(BG.Partial): "delvist", str(BG.No): "nej"}
REPRODUCES_WITHIN = 0.05  # a recomputed score this close to the published one agrees


@dataclass
class Answer:
    """One answer of a test: its value, threshold, criterion and where it was read."""

    iri: str
    position: int | None = None
    value: str | None = None
    threshold: int | None = None
    text: str = ""
    inferred: bool = False
    criterion: str | None = None
    statement: str = ""
    span: str | None = None

    @property
    def label(self) -> str:
        return term(self.value).da if self.value else "ukendt"

    @property
    def css(self) -> str:
        return ANSWER_CLASS.get(self.value or "", "ukendt")

    @property
    def source(self) -> str | None:
        return span_href(self.span) if self.span else None


@dataclass
class TestView:
    """One test result of one intervention."""

    iri: str
    intervention: str
    title: str = ""
    municipality: str | None = None
    kind: str | None = None
    published: float | None = None
    computed: float | None = None
    reproduces: bool | None = None
    scope: str = ""
    count: int | None = None
    answers: list[Answer] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return term(self.kind).da if self.kind else "Test"

    @property
    def agrees(self) -> bool | None:
        """Whether the published and recomputed scores agree (the graph's word first)."""
        if self.reproduces is not None:
            return self.reproduces
        if self.published is None or self.computed is None:
            return None
        return abs(self.published - self.computed) <= REPRODUCES_WITHIN


def fetch_tests(store: Store, where: str, **iris: str) -> list[TestView]:
    """Test results of the interventions ``where`` selects (a ``queries.OF_*`` pattern), with answers."""
    tests: dict[str, TestView] = {}
    for row in store.select(q.fill(q.TESTS.replace("{where}", where), **iris)):
        test = tests.setdefault(str(row["test"]), TestView(str(row["test"]), str(row["i"])))
        test.title = str(row.get("title", test.title))
        test.municipality = optional(row, "m") or test.municipality
        test.kind = optional(row, "kind") or test.kind
        # ignored below: an xsd:decimal: a float
        test.published = row.get("published", test.published)  # type: ignore[assignment]
        # ignored below: an xsd:decimal: a float
        test.computed = row.get("computed", test.computed)  # type: ignore[assignment]
        # ignored below: an xsd:boolean: a bool
        test.reproduces = row.get("reproduces", test.reproduces)  # type: ignore[assignment]
        test.scope = str(row.get("scope", test.scope))
        test.count = row.get("count", test.count)  # type: ignore[assignment]  # (an xsd:integer: an int)
    seen: set[str] = set()
    for row in store.select(q.fill(q.ANSWERS.replace("{where}", where), **iris)):
        answered = tests.get(str(row["test"]))
        if answered is None or str(row["a"]) in seen:
            continue
        seen.add(str(row["a"]))
        answered.answers.append(
            Answer(
                str(row["a"]),
                row.get("position"),  # type: ignore[arg-type]  # (an xsd:integer: an int)
                optional(row, "answer"),
                row.get("threshold"),  # type: ignore[arg-type]  # (an xsd:integer: an int)
                str(row.get("text", "")),
                bool(row.get("inferred", False)),
                optional(row, "criterion"),
                str(row.get("statement", "")),
                optional(row, "span"),
            )
        )
    for test in tests.values():
        test.answers.sort(key=lambda a: (a.position is None, a.position or 0, a.iri))
    return sorted(tests.values(), key=lambda t: (t.title, t.kind or ""))


def optional(row: Row, key: str) -> str | None:
    return str(row[key]) if key in row else None
