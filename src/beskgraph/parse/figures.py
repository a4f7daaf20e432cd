"""Figures stated in letters (and card texts): counts, shares, ranges, case loads and
tables of percentages, each with value, unit, what it measures, period and subject."""

from __future__ import annotations

import re
from datetime import date

from ..model.correspondence import Figure, Letter
from ..text import SourceText, Span, parse_decimal
from .dates import find_dates
from .layout import Classified, Kind
from .letter_parts import Draft
from .parties import canonical, municipality_code

NUMBER = r"\d{1,3}(?:\.\d{3})+|\d+"
COUNT = re.compile(rf"(?<![\d,.])(?P<value>{NUMBER})\s+(?P<unit>borgere|personer|ledige"
                   r"|serviceopkald|sager|medarbejdere)\b(?P<measure>[^,.;]*?)"
                   r"(?=\s+(?:og|svarende|der|siden|fra)\b|[,.;]|$)")
SHARE = re.compile(r"(?:svarende til|\bde|\baf)\s+(?P<value>\d+(?:,\d+)?)\s?%(?P<rest>[^.]*)")
RANGE = re.compile(rf"(?P<unit>[a-zæøå]+pladser|[a-zæøå]+stillinger)\s+fra\s+(?P<low>{NUMBER})"
                   rf"\s+til\s+(?P<high>{NUMBER})\b")
YEAR = re.compile(r"\b[Ii]\s+(?P<year>(?:19|20)\d\d)\b")
CASE_LOAD = re.compile(
    r"(?P<value>\d+)\s+(?:sager\s+)?pr\.?\s+(?P<per>rådgiver|jobformidler|sagsbehandler"
    r"|medarbejder|jobkonsulent|konsulent|fuldtidsstilling|årsværk)\b", re.IGNORECASE)
PERCENT_LINE = re.compile(r"^-?\d+(?:,\d+)?\s?%$")


def case_load_figures(text: str, span: Span) -> list[Figure]:
    """Case loads (``Sagsnormen er 120 sager pr. rådgiver``, ``max 35 pr jobformidler``)
    in a text whose first character is at ``span.start`` of its source."""
    out = []
    for match in CASE_LOAD.finditer(text):
        sentence = text[max(0, text.rfind(".", 0, match.start()) + 1) : match.end()]
        if "sag" not in sentence.lower():
            continue
        per = match.group("per").lower()
        at = Span(min(span.start + match.start(), span.end), min(span.start + match.end(),
                                                                  span.end))
        out.append(Figure(value=float(match.group("value")), unit=f"sager pr. {per}",
                          measure="sagsstamme", span=at))
    return out


def find_figures(source: SourceText, written: list[tuple[Letter, Draft]]) -> list[Figure]:
    out: list[Figure] = []
    for letter, draft in written:
        found = _sentence_figures(letter, draft) + _percent_tables(letter, draft)
        found += [Figure(**{**f.__dict__, "span": draft.body.span(f.span.start, f.span.end),
                            "letter": letter.key, "subject": _subject(letter),
                            "municipality_code": letter.municipality_code})
                  for f in case_load_figures(draft.body.text, Span(0, len(draft.body.text)))]
        seen: set[tuple[float, str]] = set()
        for figure in sorted(found, key=lambda f: f.span.start):
            if (figure.value, figure.unit) not in seen:
                seen.add((figure.value, figure.unit))
                out.append(figure)
    return out


def _subject(letter: Letter) -> str | None:
    return canonical(letter.municipality_code) if letter.municipality_code else None


def _sentence_figures(letter: Letter, draft: Draft) -> list[Figure]:
    out: list[Figure] = []
    anchor = date.fromisoformat(letter.date) if letter.date else None
    period: tuple[str, str, str | None] | None = None
    for start, end in draft.body.sentences():
        text = draft.body.text[start:end]
        period = _period(text, anchor) or period

        def figure(value: str, unit: str, measure: str, a: int, b: int,
                   when: tuple[str, str, str | None] | None = period,
                   at: int = start) -> Figure:
            return Figure(value=parse_decimal(value), unit=unit, measure=measure.strip(),
                          span=draft.body.span(at + a, at + b), letter=letter.key,
                          period=when[0] if when else None,
                          period_start=when[1] if when else None,
                          period_end=when[2] if when else None, subject=_subject(letter),
                          municipality_code=letter.municipality_code)

        last_measure = ""
        for m in COUNT.finditer(text):
            last_measure = f"{m.group('unit')}{m.group('measure')}"
            out.append(figure(m.group("value"), m.group("unit"), last_measure, *m.span()))
        for m in SHARE.finditer(text):
            measure = last_measure or m.group("rest").strip(" ,").removeprefix("der ")
            out.append(figure(m.group("value"), "%", f"andel {measure}".strip(), *m.span()))
        for m in RANGE.finditer(text):
            change = _period(text[m.end():], anchor)
            out.append(figure(m.group("low"), "pladser", f"antal {m.group('unit')} før",
                              m.start(), m.end("low"), None))
            out.append(figure(m.group("high"), "pladser", f"antal {m.group('unit')}",
                              m.end("low"), m.end(), change))
    return out


def _period(text: str, anchor: date | None) -> tuple[str, str, str | None] | None:
    """``I 2017`` -> the year; ``siden 20. maj 2018`` -> from then to the letter's date."""
    if year := YEAR.search(text):
        y = year.group("year")
        return f"{y}", f"{y}-01-01", f"{y}-12-31"
    since = re.search(r"\b(?:siden|fra)\s+(?:den\s+)?", text)
    for found in find_dates(text, anchor):
        if since and since.end() == found.begin:
            end = anchor.isoformat() if anchor and "siden" in since.group(0) else None
            return f"{since.group(0)}{found.text}", found.start.isoformat(), end
    return None


def _percent_tables(letter: Letter, draft: Draft) -> list[Figure]:
    """Row labels, then per column a header and one percentage per row (flattened)."""
    lines = [c for c in draft.lines if c.kind == Kind.TEXT]
    out: list[Figure] = []
    index = 0
    while index < len(lines):
        if not PERCENT_LINE.match(lines[index].text):
            index += 1
            continue
        run_end = index
        while run_end < len(lines) and PERCENT_LINE.match(lines[run_end].text):
            run_end += 1
        rows = run_end - index
        labels = lines[index - rows : index]
        header = lines[index - rows - 1] if index - rows - 1 >= 0 else None
        if header is None or any(PERCENT_LINE.match(c.text) for c in labels):
            index = run_end
            continue
        caption = _caption(lines[: index - rows - 1])
        columns = [(header, lines[index:run_end])]
        at = run_end
        while at + rows < len(lines) + 1 and at < len(lines) and all(
                PERCENT_LINE.match(c.text) for c in lines[at + 1 : at + 1 + rows]) \
                and not PERCENT_LINE.match(lines[at].text):
            columns.append((lines[at], lines[at + 1 : at + 1 + rows]))
            at += 1 + rows
        out += _table_figures(letter, caption, labels, columns)
        index = at
    return out


def _caption(before: list[Classified]) -> str | None:
    """The sentence ending in a colon above a table, over as many lines as it runs."""
    at = next((i for i in range(len(before) - 1, -1, -1)
               if before[i].text.endswith(":") and len(before[i].text.split()) > 3), None)
    if at is None:
        return None
    start = at
    while start > 0 and not before[start - 1].text.endswith((".", ":")):
        start -= 1
    return " ".join(c.text for c in before[start : at + 1])


def _table_figures(letter: Letter, caption: str | None, labels: list[Classified],
                   columns: list[tuple[Classified, list[Classified]]]) -> list[Figure]:
    measure = "udvikling"
    comparisons: list[tuple[str, str]] = []
    if caption is not None:
        text = caption
        measure = re.split(r"\s+i\s+(?:[a-zæøå]+\s+\d{4})", text)[0].rstrip(":")
        found = find_dates(text)
        if len(found) == len(columns) + 1:
            current = found[0]
            comparisons = [(f.start.isoformat(), current.end.isoformat()) for f in found[1:]]
    out = []
    for k, (header, values) in enumerate(columns):
        start, end = comparisons[k] if comparisons else (None, None)
        for label, value in zip(labels, values, strict=True):
            code = municipality_code(label.text)
            out.append(Figure(
                value=parse_decimal(value.text.rstrip("% ")), unit="%", measure=measure,
                span=value.line.span, period=header.text, period_start=start, period_end=end,
                subject=label.text, municipality_code=code, letter=letter.key))
    return out
