"""Figures stated in letters (and card texts): counts, shares, ranges, case loads and
tables of percentages, each with value, unit, what it measures, period and subject."""

from __future__ import annotations

import bisect
import re
from datetime import date

from ..model.correspondence import Figure, Letter
from ..text import SourceText, Span, parse_decimal
from .dates import find_dates
from .layout import Classified, Kind
from .letter_parts import Draft
from .parties import canonical, municipality_code

NUMBER = r"\d{1,3}(?:\.\d{3})+|\d+"
COUNT = re.compile(
    rf"(?<![\d,.])(?P<value>{NUMBER})\s+(?P<unit>borgere|personer|ledige"
    r"|serviceopkald|sager|medarbejdere)\b(?P<measure>[^,.;]*?)"
    r"(?=\s+(?:og|svarende|der|siden|fra)\b|[,.;]|$)"
)
SHARE = re.compile(r"(?:svarende til|\bde|\baf)\s+(?P<value>\d+(?:,\d+)?)\s?%(?P<rest>[^.]*)")
RANGE = re.compile(
    rf"(?P<unit>[a-zæøå]+pladser|[a-zæøå]+stillinger)\s+fra\s+(?P<low>{NUMBER})"
    rf"\s+til\s+(?P<high>{NUMBER})\b"
)
YEAR = re.compile(r"\b[Ii]\s+(?P<year>(?:19|20)\d\d)\b")
SINCE = re.compile(r"\b(?:siden|fra)\s+(?:den\s+)?")
# a number as written ("42,5" is not 5, "1.200" not 200); "110-130" is a range, not one figure
CASE_LOAD = re.compile(
    r"(?<![\d,.\-–])(?P<value>(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?)\s+(?:sager\s+)?pr\.?\s+(?P<per>rådgiver|jobformidler|sagsbehandler"
    r"|medarbejder|jobkonsulent|konsulent|fuldtidsstilling|årsværk)\b",
    re.IGNORECASE,
)
PERCENT_LINE = re.compile(r"^-?\d+(?:,\d+)?\s?%$")


def case_load_figures(text: str, span: Span) -> list[Figure]:
    """Case loads (``Sagsnormen er 120 sager pr. rådgiver``, ``max 35 pr jobformidler``)
    in a text whose first character is at ``span.start`` of its source."""
    out = []
    lower = text.lower()
    same = len(lower) == len(text)  # lower() kept every offset (it mostly does)
    sag = [m.start() for m in re.finditer("sag", lower)]
    dot, read = -1, 0  # the last "." before the match, read from where the last match began
    for match in CASE_LOAD.finditer(text):
        dot = max(dot, text.rfind(".", read, match.start()))
        read = match.start()
        begin = max(0, dot + 1)  # the match's sentence: text[begin:match.end()]
        if same:
            first = bisect.bisect_left(sag, begin)
            named = first < len(sag) and sag[first] + 3 <= match.end()
        else:
            named = "sag" in text[begin : match.end()].lower()
        if not named:
            continue
        per = match.group("per").lower()
        at = Span(min(span.start + match.start(), span.end), min(span.start + match.end(), span.end))
        out.append(
            Figure(
                value=float(match.group("value").replace(".", "").replace(",", ".")),
                unit=f"sager pr. {per}",
                measure="sagsstamme",
                span=at,
            )
        )
    return out


def find_figures(source: SourceText, written: list[tuple[Letter, Draft]]) -> list[Figure]:
    out: list[Figure] = []
    for letter, draft in written:
        found = _sentence_figures(letter, draft) + _percent_tables(letter, draft)
        found += [
            Figure(
                **{
                    **f.__dict__,
                    "span": draft.body.span(f.span.start, f.span.end),
                    "letter": letter.key,
                    "subject": _subject(letter),
                    "municipality_code": letter.municipality_code,
                }
            )
            for f in case_load_figures(draft.body.text, Span(0, len(draft.body.text)))
        ]
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
        periods = _Periods(text, anchor)
        period = periods.after(0) or period

        def figure(
            value: str,
            unit: str,
            measure: str,
            a: int,
            b: int,
            when: tuple[str, str, str | None] | None = period,
            at: int = start,
        ) -> Figure:
            return Figure(
                value=parse_decimal(value),
                unit=unit,
                measure=measure.strip(),
                span=draft.body.span(at + a, at + b),
                letter=letter.key,
                period=when[0] if when else None,
                period_start=when[1] if when else None,
                period_end=when[2] if when else None,
                subject=_subject(letter),
                municipality_code=letter.municipality_code,
            )

        last_measure = ""
        for m in COUNT.finditer(text):
            last_measure = f"{m.group('unit')}{m.group('measure')}"
            out.append(figure(m.group("value"), m.group("unit"), last_measure, *m.span()))
        for m in SHARE.finditer(text):
            measure = last_measure or m.group("rest").strip(" ,").removeprefix("der ")
            out.append(figure(m.group("value"), "%", f"andel {measure}".strip(), *m.span()))
        for m in RANGE.finditer(text):
            change = periods.after(m.end())
            out.append(
                figure(
                    m.group("low"), "pladser", f"antal {m.group('unit')} før", m.start(), m.end("low"), None
                )
            )
            out.append(
                figure(m.group("high"), "pladser", f"antal {m.group('unit')}", m.end("low"), m.end(), change)
            )
    return out


class _Periods:
    """The period a sentence, or the rest of it from a place on, states (read once)."""

    def __init__(self, text: str, anchor: date | None) -> None:
        self.anchor = anchor
        self._years = list(YEAR.finditer(text))
        self._year_starts = [m.start() for m in self._years]
        self._sinces = list(SINCE.finditer(text))
        self._since_starts = [m.start() for m in self._sinces]
        self._dates = {found.begin: found for found in find_dates(text, anchor)}

    def after(self, cut: int) -> tuple[str, str, str | None] | None:
        """``I 2017`` -> the year; ``siden 20. maj 2018`` -> from then to the letter's date;
        in the text from ``cut`` on.

        The same as reading ``text[cut:]`` afresh when ``cut`` is 0 or the end of a range
        of places (digits, then no letter): no year, ``siden``/``fra`` or date found there
        can begin before ``cut`` and end after it. Read once, a sentence with many ranges
        costs its length, not its length for each range."""
        at = bisect.bisect_left(self._year_starts, cut)
        if at < len(self._years):
            y = self._years[at].group("year")
            return f"{y}", f"{y}-01-01", f"{y}-12-31"
        at = bisect.bisect_left(self._since_starts, cut)
        if at == len(self._sinces):
            return None
        since = self._sinces[at]
        found = self._dates.get(since.end())
        if found is None:
            return None
        end = self.anchor.isoformat() if self.anchor and "siden" in since.group(0) else None
        return f"{since.group(0)}{found.text}", found.start.isoformat(), end


def _percent_tables(letter: Letter, draft: Draft) -> list[Figure]:
    """Row labels, then per column a header and one percentage per row (flattened)."""
    lines = [c for c in draft.lines if c.kind == Kind.TEXT]
    captions = _Captions(lines)
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
        caption = captions.above(index - rows - 1)
        columns = [(header, lines[index:run_end])]
        at = run_end
        while (
            at + rows < len(lines)
            and all(  # a header and a whole column of values
                PERCENT_LINE.match(c.text) for c in lines[at + 1 : at + 1 + rows]
            )
            and not PERCENT_LINE.match(lines[at].text)
        ):
            columns.append((lines[at], lines[at + 1 : at + 1 + rows]))
            at += 1 + rows
        out += _table_figures(letter, caption, labels, columns)
        index = at
    return out


class _Captions:
    """Captions of tables: the sentence ending in a colon above a place, over as many
    lines as it runs (the lines read once, however many tables they hold)."""

    def __init__(self, lines: list[Classified]) -> None:
        self.lines = lines
        self._last: list[int | None] = [None]  # per place: the last colon line above it
        for index, item in enumerate(lines):
            ends = item.text.endswith(":") and len(item.text.split()) > 3
            self._last.append(index if ends else self._last[-1])
        self._texts: dict[int, str] = {}

    def above(self, place: int) -> str | None:
        """The caption above ``lines[place]``, if any."""
        at = self._last[place]
        if at is None:
            return None
        if at not in self._texts:
            start = at
            while start > 0 and not self.lines[start - 1].text.endswith((".", ":")):
                start -= 1
            self._texts[at] = " ".join(c.text for c in self.lines[start : at + 1])
        return self._texts[at]


def _table_figures(
    letter: Letter,
    caption: str | None,
    labels: list[Classified],
    columns: list[tuple[Classified, list[Classified]]],
) -> list[Figure]:
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
            out.append(
                Figure(
                    value=parse_decimal(value.text.rstrip("% ")),
                    unit="%",
                    measure=measure,
                    span=value.line.span,
                    period=header.text,
                    period_start=start,
                    period_end=end,
                    subject=label.text,
                    municipality_code=code,
                    letter=letter.key,
                )
            )
    return out
