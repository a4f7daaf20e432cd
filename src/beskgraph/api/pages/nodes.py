"""What every node page shows: names of neighbours, facts in words, and the spans they were read from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from beskgraph.api.node_description import sorted_triples
from beskgraph.api.pages import queries as q
from beskgraph.api.pages.paging import Asked, Window, window
from beskgraph.api.pages.terms import Term, term
from beskgraph.api.paths import local_path
from beskgraph.store import Store, as_int
from beskgraph.store.terms import literal_value
from beskgraph.text import MONTHS, collapse
from beskgraph.vocabulary import BG, PROV, RDF

RDF_TYPE, SOURCE_SPAN, DERIVED_FROM = str(RDF.type), str(BG.sourceSpan), str(PROV.wasDerivedFrom)
HIDDEN = {RDF_TYPE, SOURCE_SPAN, DERIVED_FROM}  # shown in their own sections
LANGUAGE_ORDER = {"da": 0, "": 1, "en": 2}
MAX_LABEL = 90


def href(iri: str) -> str:
    """Where a link to ``iri`` goes: its page on this server, or the IRI itself."""
    return local_path(iri) or iri


def span_href(span: str) -> str:
    """``…/source/x#char=a,b`` → ``/source/x?char=a,b#mark``: the source page with the span marked."""
    document, _, fragment = span.partition("#")
    path = local_path(document) or document
    return f"{path}?{fragment}#mark" if fragment.startswith("char=") else path


def da_date(value: object) -> str:
    """``2018-07-09`` → ``9. juli 2018``."""
    if isinstance(value, dt.datetime):
        return f"{value.day}. {MONTHS[value.month - 1]} {value.year}, {value:%H:%M}"
    if isinstance(value, dt.date):
        return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"
    return str(value)


def da_number(value: object) -> str:
    """``4.3`` → ``4,3`` (Danish decimal comma); other values as they are."""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def thousands(value: int) -> str:
    """``9000`` → ``9.000`` (Danish thousands separator)."""
    return f"{value:,}".replace(",", ".")


def shorten(text: str, limit: int = MAX_LABEL) -> str:
    text = collapse(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


PATH_WORDS = {"answer": "svar", "mention": "omtale", "page": "side", "identifier": "identifikator"}


def fallback_label(iri: str) -> str:
    """A name from the IRI itself (``…/answer/1`` → ``svar 1``), for nodes the graph names nowhere."""
    tail = iri.rstrip("/").rsplit("/", 2)
    if len(tail) < 2:
        return iri
    return f"{PATH_WORDS.get(tail[-2], tail[-2])} {tail[-1]}"


def fetch_labels(store: Store, iris: Iterable[str]) -> dict[str, str]:
    """Display names of nodes: one query for all of them (see ``queries.LABEL_RULES``)."""
    wanted = sorted({iri for iri in iris if iri and not iri.startswith("_:")})
    names: dict[str, str] = {}
    if not wanted:
        return names
    best: dict[str, tuple[int, int]] = {}
    for row in store.select(q.labels_query(wanted)):
        node, rank = str(row["x"]), as_int(row["rank"])
        key = (rank, LANGUAGE_ORDER.get(str(row.get("lang", "")), 3))
        if node not in best or key < best[node]:
            best[node], names[node] = key, shorten(str(row["label"]))
    names.update(letter_labels(store, wanted))
    for node in wanted:
        if node not in names:
            known = term(node)
            names[node] = known.da if known.da != known.curie else fallback_label(node)
    return names


def letter_labels(store: Store, iris: list[str]) -> dict[str, str]:
    """``Borgmesterkontoret (Rudersdal) til Beskæftigelsesministeriet, 9. juli 2018``."""
    parts: dict[str, dict[str, str]] = {}
    for row in store.select(q.letter_labels_query(iris)):
        found = parts.setdefault(str(row["x"]), {})
        for key in ("sender", "unitOf", "recipient"):
            if key in row and (key not in found or str(row[key]) < found[key]):
                found[key] = str(row[key])
        if "date" in row:
            found["date"] = da_date(row["date"])
        elif "dateText" in row:
            found.setdefault("date", str(row["dateText"]))
    names = {}
    for iri, found in parts.items():
        label = found.get("sender", "Brev")
        if "unitOf" in found:
            label += f" ({found['unitOf']})"
        if "recipient" in found:
            label += f" til {found['recipient']}"
        names[iri] = f"{label}, {found['date']}" if "date" in found else label
    return names


# ---------------------------------------------------------------------------
# Spans


@dataclass
class Span:
    """A character range of a source document that a node was read from."""

    iri: str
    exact: str
    line: int | None
    properties: list[str] = field(default_factory=list)

    @property
    def href(self) -> str:
        return span_href(self.iri)


def fetch_spans(store: Store, node: str) -> list[Span]:
    spans: dict[str, Span] = {}
    for row in store.select(q.fill(q.SPANS, node=node)):
        span = spans.setdefault(
            str(row["span"]),
            # ignored below: ?line is bound to an xsd:integer: an int
            Span(str(row["span"]), str(row.get("exact", "")), row.get("line")),  # type: ignore[arg-type]
        )
        if "property" in row:
            span.properties.append(str(row["property"]))
    return list(spans.values())


def span_for(spans: list[Span], prop: str, value: str) -> Span | None:
    """The span a literal fact was read from: the one declared for its property, else the one quoting it."""
    for span in spans:
        if prop in span.properties:
            return span
    wanted = collapse(value)
    if not wanted:
        return None
    quoting = [s for s in spans if wanted in collapse(s.exact)]
    return min(quoting, key=lambda s: len(s.exact)) if quoting else None


# ---------------------------------------------------------------------------
# Facts


@dataclass
class Value:
    """One value of a fact: a literal in words, or a link to a neighbour."""

    text: str
    href: str | None = None
    lang: str | None = None
    source: Span | None = None
    long: bool = False


@dataclass
class Fact:
    property: Term
    values: list[Value]


def literal_text(term_: ox.Literal) -> str:
    value = literal_value(term_.value, term_.datatype.value if not term_.language else None)
    if isinstance(value, dt.date):
        return da_date(value)
    return da_number(value)


def to_value(obj: object, labels: dict[str, str], spans: list[Span], prop: str) -> Value:
    if isinstance(obj, ox.Literal):
        text = literal_text(obj)
        return Value(text, lang=obj.language, source=span_for(spans, prop, obj.value), long=len(text) > 200)
    if isinstance(obj, ox.NamedNode):
        return Value(labels.get(obj.value, obj.value), href=href(obj.value))
    return Value(str(obj))


def group_facts(
    triples: Iterable[ox.Triple],
    labels: dict[str, str],
    spans: list[Span],
    *,
    inbound: bool = False,
    node: str,
) -> list[Fact]:
    """Facts of ``node`` (or, ``inbound``, the facts that point to it) grouped by property."""
    grouped: dict[str, list[Value]] = {}
    for triple in shown(triples, node, inbound=inbound):
        prop = triple.predicate.value
        neighbour = triple.subject if inbound else triple.object
        grouped.setdefault(prop, []).append(to_value(neighbour, labels, spans, prop))
    facts = [Fact(term(prop), sorted(vals, key=lambda v: v.text)) for prop, vals in grouped.items()]
    return sorted(facts, key=lambda f: f.property.da.lower())


def fact_window(
    store: Store, node: str, section: tuple[str, str], asked: Asked, *, inbound: bool
) -> tuple[list[ox.Triple], Window]:
    """One page of the facts of ``node`` (``inbound``: of the links to it), by property."""
    keys = q.INCOMING_KEYS if inbound else q.FACTS_KEYS
    found = window(store, keys, section, asked, node=node)
    if not found.total:
        return [], found
    template = q.INCOMING if inbound else q.FACT
    return sorted_triples(
        store.construct(q.paged_triples(keys, template, found.size, found.offset, node=node))
    ), found


def shown(triples: Iterable[ox.Triple], node: str, *, inbound: bool) -> Iterator[ox.Triple]:
    """The triples a page lists: the node's own facts, or the links to it (not from its own hash IRIs)."""
    me = ox.NamedNode(node)
    for triple in triples:
        if triple.predicate.value in HIDDEN:
            continue
        if inbound:
            # ignored below: the store holds no quoted triples
            own_hash = triple.subject.value.startswith(node + "#")  # type: ignore[union-attr]
            if triple.object == me and not own_hash:
                yield triple
        elif triple.subject == me:
            yield triple


def neighbours(triples: Iterable[ox.Triple], node: str) -> set[str]:
    """Every IRI the page's fact tables show (to name them all in one query)."""
    found = set()
    for inbound in (False, True):
        for triple in shown(triples, node, inbound=inbound):
            item = triple.subject if inbound else triple.object
            if isinstance(item, ox.NamedNode):
                found.add(item.value)
    return found
