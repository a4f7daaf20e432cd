"""Danish dates and periods in letters, as ISO dates, tolerant of common OCR slips.

Dates: ``31. august 2018``, ``06-07-2018``, ``09.07.2018``, ``2/3-2022``, ``2018-08-31``.
Periods: ``maj 2018``, ``2. halvår 2018``, ``3. kvartal 2018``, ``ultimo/medio/primo
august 2018``, ``udgangen af september måned``, ``1. juli – 15. august 2018``,
``19.-30. august 2019``, ``juli/august 2020`` (within one year), and
``senest om 6 måneder`` counted from an anchor date (the letter's). A missing year is
taken from the anchor.
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from ..fuzzy import repair
from ..text import MONTHS
from .before import ends_with

_ABBREVIATIONS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "okt": 10,
    "nov": 11,
    "dec": 12,
}
_WORD = r"[A-Za-zÆØÅæøå]{3,10}"
_YEAR = r"(?:19|20)\d\d"
_DAY_MONTH = rf"(?P<day>\d{{1,2}})\.?\s*(?P<month>{_WORD})\.?(?:\s+(?P<year>{_YEAR}))?"
_RANGE = re.compile(
    rf"\b(?P<d1>\d{{1,2}})\.\s*(?P<m1>{_WORD})\s*(?:-|til|–)\s*(?:den\s+)?"
    rf"(?P<d2>\d{{1,2}})\.\s*(?P<m2>{_WORD})(?:\s+(?P<year>{_YEAR}))?",
    re.IGNORECASE,
)
_DAYS = re.compile(  # days of one month, written once: "19.-30. august 2019", "21. til 31. august"
    rf"\b(?P<d1>\d{{1,2}})\.\s*(?:[-–]|(?-i:til))\s*(?:den\s+)?"
    rf"(?P<d2>\d{{1,2}})\.\s*(?P<m2>{_WORD})(?:\s+(?P<year>{_YEAR}))?",
    re.IGNORECASE,
)
_MONTHS_RANGE = re.compile(  # months of one year, written once: "juli/august 2020", "maj til juni 2019"
    rf"\b(?P<m1>{_WORD})(?:\s*[/–-]\s*|\s+til\s+)(?P<m2>{_WORD})\s+(?P<year>{_YEAR})\b",
    re.IGNORECASE,
)
# what a range of months must not follow: a position in the month, or a day ("15. august til …")
_POSITION_BEFORE = re.compile(
    r"(?:ultimo|medio|primo|udgangen\s+af|slutningen\s+af|\b\d{1,2}\.?)\s*$", re.IGNORECASE
)
_CLOCK_BEFORE = re.compile(r"\bkl\.?\s*$", re.IGNORECASE)  # "kl. 10.-12. maj": hours, not days
_NUMERIC = re.compile(
    rf"\b(?:(?P<iso>{_YEAR})-(?P<im>\d\d)-(?P<id>\d\d)"
    rf"|(?P<d>\d{{1,2}})[-./](?P<m>\d{{1,2}})[-./](?P<y>{_YEAR}))\b"
)
_TEXTUAL = re.compile(rf"\b{_DAY_MONTH}", re.IGNORECASE)
_PART = re.compile(rf"\b(?P<n>[1-4])\.\s*(?P<unit>halvår|kvartal)\s+(?P<year>{_YEAR})", re.IGNORECASE)
_MONTH_PERIOD = re.compile(
    rf"\b(?:(?P<pos>ultimo|medio|primo|udgangen\s+af|slutningen\s+af)\s+)?(?P<month>{_WORD})"
    rf"(?:\s+måned)?(?:\s+(?P<year>{_YEAR}))?\b",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"\b(?:senest\s+om|senest|om)\s+(?P<n>\d{1,2})\s+"
    r"(?P<unit>måneder|måned|uger|uge|dage|dag|år)\b(?!\s+efter)",
    re.IGNORECASE,
)
_ONWARDS = re.compile(r"\bfra(?:\s+og\s+med)?\s+(?:den\s+)?$", re.IGNORECASE)
_OCR_DIGITS = re.compile(r"(?<=\d)[OoIli]|[OoIli](?=\d)")
_MONTH_AFTER = re.compile(r"\b(?:i|fra|pr\.|for|til|siden|af)\s*$")  # a bare month after these


@dataclass(frozen=True)
class Temporal:
    """A date or period found in text, with its character range in that text."""

    start: date
    end: date
    kind: str  # "date" | "period"
    text: str
    begin: int
    finish: int
    onwards: bool = False
    relative: str | None = None


@cache
def month_number(word: str) -> int | None:
    """``"august"`` -> 8; abbreviations; OCR slips such as ``"augnst"`` for words of 5+ letters."""
    key = word.lower().rstrip(".")
    if key in MONTHS:
        return MONTHS.index(key) + 1
    if key in _ABBREVIATIONS:
        return _ABBREVIATIONS[key]
    if len(key) >= 5:
        close = difflib.get_close_matches(key, MONTHS, n=1, cutoff=0.75)
        if close:
            return MONTHS.index(close[0]) + 1
    return None


def _deocr(text: str) -> str:
    """Map O/I/l/i next to digits onto 0/1 (same length, so offsets hold)."""
    return _OCR_DIGITS.sub(lambda m: "0" if m.group(0) in "Oo" else "1", text)


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(anchor: date, months: int) -> date:
    """``anchor`` plus whole months, clamped to the month's last day."""
    index = anchor.month - 1 + months
    year, month = anchor.year + index // 12, index % 12 + 1
    return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


def parse_date(text: str, anchor: date | None = None) -> date | None:
    """The date ``text`` consists of (one date and nothing else), if any; a date as OCR
    reads a stamp (``2 3 MAR. 2O18``, ``i2 MAJ 2018``, ``3l. AU6UST 2018``) too."""
    if len(text) > 64:  # a date alone is short: never scan a long line (linear classify)
        return None
    for attempt in (text, repair(text)):
        attempt = _deocr(attempt.strip()).rstrip(".")
        found = find_dates(attempt, anchor)
        if (
            len(found) == 1
            and found[0].kind == "date"
            and found[0].finish - found[0].begin >= len(attempt) - 1
            and found[0].begin <= 1
        ):
            return found[0].start
    return None


def read_date(text: str, anchor: date | None = None) -> tuple[date, str, int, int] | None:
    """The first date in a line of a letterhead: the day, the words it was read from and
    where they are in ``text``; read through OCR slips when it must (then the words are
    the whole line)."""
    day = parse_date(text, anchor)
    if day is not None:
        start = len(text) - len(text.lstrip())
        return day, text.strip(), start, start + len(text.strip())
    found = [f for f in find_dates(text, anchor) if f.kind == "date" and not f.relative]
    return (found[0].start, found[0].text, found[0].begin, found[0].finish) if found else None


def find_dates(text: str, anchor: date | None = None) -> list[Temporal]:
    """Every date and period in ``text``, in order, without overlaps.

    Each kind is looked for in one pass; a find that overlaps one of an earlier pass is
    dropped. A pass's finds are in text order and never overlap one another, so each pass
    is checked against what is taken in one walk (linear, where a check of every find
    against every earlier one was quadratic: 16 million checks at 32 KB of dates)."""
    clean = _deocr(text)
    found: list[Temporal] = []
    taken: list[tuple[int, int]] = []  # sorted, disjoint

    def add(items: Iterator[Temporal | None]) -> None:
        kept, at = [], 0
        for item in items:
            if item is None:
                continue
            while at < len(taken) and taken[at][1] <= item.begin:
                at += 1
            if at < len(taken) and taken[at][0] < item.finish:
                continue
            if _is_onwards(clean, item):
                item = Temporal(
                    item.start,
                    item.end,
                    item.kind,
                    item.text,
                    item.begin,
                    item.finish,
                    onwards=True,
                    relative=item.relative,
                )
            found.append(item)
            kept.append((item.begin, item.finish))
        taken.extend(kept)
        taken.sort()  # two sorted runs: a linear merge

    def year_of(written: str | None) -> int | None:
        return int(written) if written else (anchor.year if anchor else None)

    def numeric(m: re.Match[str]) -> Temporal | None:
        if m.group("iso"):
            return _single(_day(int(m.group("iso")), int(m.group("im")), int(m.group("id"))), m, text)
        return _single(_day(int(m.group("y")), int(m.group("m")), int(m.group("d"))), m, text)

    def textual(m: re.Match[str]) -> Temporal | None:
        month, year = month_number(m.group("month")), year_of(m.group("year"))
        return _single(_day(year, month, int(m.group("day"))) if month and year else None, m, text)

    add(_range(m, text, year_of(m.group("year"))) for m in _RANGE.finditer(clean))
    add(_range(m, text, year_of(m.group("year"))) for m in _DAYS.finditer(clean))
    add(_months_range(m, text) for m in _MONTHS_RANGE.finditer(clean))
    add(numeric(m) for m in _NUMERIC.finditer(clean))
    add(textual(m) for m in _TEXTUAL.finditer(clean))
    add(_part(m, text) for m in _PART.finditer(clean))
    add(_month_period(m, text, year_of(m.group("year"))) for m in _MONTH_PERIOD.finditer(clean))
    if anchor is not None:
        add(_relative(m, text, anchor) for m in _RELATIVE.finditer(clean))
    return sorted(found, key=lambda t: t.begin)


def _is_onwards(text: str, item: Temporal) -> bool:
    """``fra oktober 2018``, ``fra 2. halvår 2018 og frem``: from then on (not a range:
    ``fra 19.-30. august``, ``fra juli/august 2020``, ``fra 1. juli til 15. august``)."""
    if item.kind == "period" and re.search(r"[-–/]|\btil\b", item.text):
        return False
    after = text[item.finish : item.finish + 10].lower()
    return bool(_ONWARDS.search(text[max(0, item.begin - 16) : item.begin])) or after.lstrip().startswith(
        "og frem"
    )


def _single(day: date | None, m: re.Match[str], text: str) -> Temporal | None:
    if day is None:
        return None
    return Temporal(day, day, "date", text[m.start() : m.end()], m.start(), m.end())


def _range(m: re.Match[str], text: str, year: int | None) -> Temporal | None:
    m2 = month_number(m.group("m2"))
    one_month = "m1" not in m.groupdict()  # (_DAYS)
    m1 = m2 if one_month else month_number(m.group("m1"))
    if not (m1 and m2 and year):
        return None
    if one_month and (
        int(m.group("d1")) >= int(m.group("d2"))
        or _CLOCK_BEFORE.search(text, max(0, m.start() - 6), m.start())
    ):
        return None  # ("30.-3. august", "kl. 10.-12. maj": no range of days; the last day is read alone)
    first = _day(year if m1 <= m2 else year - 1, m1, int(m.group("d1")))
    last = _day(year, m2, int(m.group("d2")))
    if first is None or last is None:
        return None
    return Temporal(first, last, "period", text[m.start() : m.end()], m.start(), m.end())


def _months_range(m: re.Match[str], text: str) -> Temporal | None:
    words = m.group("m1").lower(), m.group("m2").lower()
    if not all(word in MONTHS or word in _ABBREVIATIONS for word in words):
        return None  # two words that are not both months ("frem til august 2020")
    m1, m2 = (month_number(word) or 0 for word in words)
    if m1 >= m2 or _POSITION_BEFORE.search(text, max(0, m.start() - 20), m.start()):
        return None  # "fra december til november 2019", "ultimo september - oktober": read apart
    year = int(m.group("year"))
    return Temporal(
        date(year, m1, 1), _month_end(year, m2), "period", text[m.start() : m.end()], m.start(), m.end()
    )


def _part(m: re.Match[str], text: str) -> Temporal:
    n, year = int(m.group("n")), int(m.group("year"))
    months = 6 if m.group("unit").lower() == "halvår" else 3
    first_month = (n - 1) * months + 1
    return Temporal(
        date(year, first_month, 1),
        _month_end(year, first_month + months - 1),
        "period",
        text[m.start() : m.end()],
        m.start(),
        m.end(),
    )


_POSITIONS = {"primo": (1, 10), "medio": (11, 20), "ultimo": (21, 31)}


def _month_period(m: re.Match[str], text: str, year: int | None) -> Temporal | None:
    month = month_number(m.group("month"))
    word = m.group("month").lower()
    if month is None or year is None or (word not in MONTHS and not m.group("year")):
        return None  # a bare abbreviation or a fuzzy word needs a year to count as a month
    if (
        not m.group("year")
        and not m.group("pos")
        and "måned" not in m.group(0).lower()
        and not ends_with(_MONTH_AFTER, text, m.start(), 1)
    ):
        return None
    last = _month_end(year, month)
    span = text[m.start() : m.end()]
    position = (m.group("pos") or "").split()[0].lower() if m.group("pos") else ""
    if position in ("udgangen", "slutningen"):
        return Temporal(last, last, "date", span, m.start(), m.end())
    low, high = _POSITIONS.get(position, (1, 31))
    return Temporal(
        date(year, month, low),
        min(last, date(year, month, min(high, last.day))),
        "period",
        span,
        m.start(),
        m.end(),
    )


def _relative(m: re.Match[str], text: str, anchor: date) -> Temporal:
    n, unit = int(m.group("n")), m.group("unit").lower()
    if unit.startswith("måned"):
        end, duration = add_months(anchor, n), f"P{n}M"
    elif unit.startswith("uge"):
        end, duration = anchor + timedelta(weeks=n), f"P{n}W"
    elif unit.startswith("dag"):
        end, duration = anchor + timedelta(days=n), f"P{n}D"
    else:
        end, duration = add_months(anchor, 12 * n), f"P{n}Y"
    return Temporal(end, end, "date", text[m.start() : m.end()], m.start(), m.end(), relative=duration)


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
