"""Danish legal citations: ``LBK nr. 1342 af 20. november 2016 § 16a, stk. 1``.

An act is named by its type (LOV, LBK, BEK, in short or long form), number and date;
a provision by §, stk. and nr. ``samme lovs § 16a, stk. 4`` and ``§ 17 i samme lov`` are
resolved to the act cited last. The date is kept as written; the year keys the act's ELI.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..model.correspondence import LegalCitation
from ..text import Span
from .dates import find_dates

ACT_TYPES = {
    "lbk": "LBK",
    "lovbekendtgørelse": "LBK",
    "lovbekendtgørelsen": "LBK",
    "lov": "LOV",
    "loven": "LOV",
    "bek": "BEK",
    "bekendtgørelse": "BEK",
    "bekendtgørelsen": "BEK",
}
_TYPE = r"(?P<type>LBK|LOV|BEK|lovbekendtgørelsen?|bekendtgørelsen?|lov)"
_DATE = (
    r"(?P<date>\d{1,2}\.?\s*[A-Za-zæøå]{3,10}\.?\s+\d{4}|\d{1,2}[-./]\d{1,2}[-./]\d{4}"
    r"|\d{4}-\d\d-\d\d)"
)


def _provision(tag: str = "") -> str:
    """§ n[, stk. n][, nr. n] with group names ending in ``tag``."""
    return (
        rf"§\s*(?P<paragraph{tag}>\d+(?:\s?[a-z])?)\b"
        rf"(?:\s*,?\s*stk\.\s*(?P<subsection{tag}>\d+(?:\s?[a-z])?)\b)?"
        rf"(?:\s*,?\s*nr\.\s*(?P<item{tag}>\d+(?:\s?[a-z])?)\b)?"
    )


ACT = re.compile(
    rf"\b{_TYPE}\s+nr\.?\s*(?P<number>\d+)\s+af\s+(?:den\s+)?{_DATE}"
    rf"(?:\s*,?\s*{_provision()})?",
    re.IGNORECASE,
)
SAME_ACT = re.compile(
    rf"\bsamme\s+lovs\s+{_provision('1')}|{_provision('2')},?\s+i\s+samme\s+lov\b", re.IGNORECASE
)


def _year(date_text: str) -> int | None:
    found = find_dates(date_text)
    if found:
        return found[0].start.year
    match = re.search(r"\d{4}", date_text)
    return int(match.group(0)) if match else None


def _part(match: re.Match[str], name: str) -> str | None:
    for group, value in match.groupdict().items():
        if value and group.rstrip("0123456789_") == name:
            return re.sub(r"\s+", "", value)
    return None


def find_citations(text: str, offset: int = 0, letter: str | None = None) -> list[LegalCitation]:
    """Every act or provision citation in ``text``; spans are ``offset`` + position."""
    found: list[tuple[int, LegalCitation]] = []
    last: LegalCitation | None = None
    events = sorted(
        [(m.start(), "act", m) for m in ACT.finditer(text)]
        + [(m.start(), "same", m) for m in SAME_ACT.finditer(text)],
        key=lambda event: event[0],
    )
    for start, kind, match in events:
        if kind == "act":
            year = _year(match.group("date"))
            if year is None:
                continue
            last = LegalCitation(
                act_type=ACT_TYPES[match.group("type").lower()],
                number=int(match.group("number")),
                year=year,
                date_text=match.group("date"),
                paragraph=_part(match, "paragraph"),
                subsection=_part(match, "subsection"),
                item=_part(match, "item"),
                text=match.group(0),
                span=Span(offset + start, offset + match.end()),
                letter=letter,
            )
            found.append((start, last))
        elif last is not None:
            found.append(
                (
                    start,
                    replace(  # the act of the citation before it
                        last,
                        paragraph=_part(match, "paragraph"),
                        subsection=_part(match, "subsection"),
                        item=_part(match, "item"),
                        text=match.group(0),
                        span=Span(offset + start, offset + match.end()),
                        letter=letter,
                    ),
                )
            )
    return [citation for _, citation in found]
