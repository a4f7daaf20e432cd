"""Reference data shipped with the project: municipalities, acts and § 6 target groups."""

from __future__ import annotations

import bisect
import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .config import REFERENCE_DIR
from .fuzzy import close
from .text import normalise


@dataclass(frozen=True)
class Municipality:
    code: str  # three digits, no leading zero: "101", "410"
    name: str
    region: str
    wikidata: str | None


@dataclass(frozen=True)
class Act:
    type: str  # LOV, LBK, BEK
    number: int
    year: int
    date: str  # ISO date of the act
    title: str
    eli: str


@dataclass(frozen=True)
class LegalTargetGroup:
    act_year: int
    act_number: int
    paragraph: str
    item: str
    label: str


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def municipalities(directory: Path = REFERENCE_DIR) -> tuple[Municipality, ...]:
    """All 98 municipalities, ordered by code."""
    rows = _rows(directory / "municipalities.csv")
    found = [
        Municipality(
            r["kommunekode"].strip(), r["name"].strip(), r["region"].strip(), r["wikidata"].strip() or None
        )
        for r in rows
    ]
    return tuple(sorted(found, key=lambda m: int(m.code)))


def _name_key(name: str) -> str:
    key = normalise(name).lower().replace("-", " ")  # "Høje Taastrup" is Høje-Taastrup
    key = re.sub(r"\s+kommunes?$", "", key)
    return key.replace("aa", "å") if key.startswith("aa") else key


@cache
def _by_name() -> dict[str, Municipality]:
    index = {_name_key(m.name): m for m in municipalities()}
    index["københavns"] = index["københavn"]
    return index


def find_municipality(name: str) -> Municipality | None:
    """The municipality a name denotes (``"Hillerød Kommune"``, ``"Køge"``), if any."""
    return _by_name().get(_name_key(name))


@dataclass(frozen=True)
class NameMatch:
    """A name read as a municipality: how closely it matched (1.0: as written, 0-1: the
    OCR slips it took to read it so)."""

    municipality: Municipality
    score: float


def match_municipality(name: str) -> NameMatch | None:
    """The municipality ``name`` denotes, read through OCR slips (case, diacritics, an edit
    per five letters: ``Siikeborg`` -> Silkeborg); None when none or two are as close."""
    exact = find_municipality(name)
    if exact is not None:
        return NameMatch(exact, 1.0)
    key = re.sub(r"\s+kommunes?$", "", normalise(name), flags=re.IGNORECASE)
    scored = sorted(
        ((score, m.code) for m in municipalities() if (score := close(key, m.name)) is not None), reverse=True
    )
    if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    found = municipality_by_code(scored[0][1])
    return NameMatch(found, scored[0][0]) if found else None


_KOMMUNE = re.compile(r"\bKommunes?\b")
_WORD = re.compile(r"[^\s,;:()\"']+")
# "Vejen til job …", "Vejen frem …": the road, when it opens a sentence or a heading (after . ! ?,
# a blank line, or a line that ends in neither a small letter nor a comma); "Vejen har …",
# "i Vejen", "Vejen Kommune" name the municipality
_THE_ROAD = re.compile(  # (not "Vejen til gengæld …", "Vejen til og med …", "Vejen mod forventning …")
    r"Vejen\s+(?:til|frem|mod|ud|ind|videre|tilbage|væk|hen)\b(?!\s+(?:gengæld|og\s+med|forventning))"
)
_SENTENCE_START = re.compile(r"(?:\A|[.!?]|\n[ \t]*\n|[^a-zæøå,\s][ \t]*\n)[\s\"'«»„“(–-]*\Z")


def names_the_municipality(text: str, start: int, end: int) -> bool:
    """Whether the name at ``text[start:end]`` names its municipality (not "Vejen til job …")."""
    if not _THE_ROAD.match(text, start):
        return True
    return _SENTENCE_START.search(text[max(0, start - 80) : start]) is None


def find_municipalities(text: str) -> list[tuple[NameMatch, int, int]]:
    """The municipalities ``text`` names, with where: every name as written, and before
    ``Kommune`` one to three capitalised words read through OCR slips (``Siikeborg
    Kommune``, ``Fre dericia Kommune``). In order; none overlap."""
    found = [
        (NameMatch(m, 1.0), match.start(), match.end())
        for match in municipality_name_pattern().finditer(text)
        if (m := find_municipality(match.group(0))) and names_the_municipality(text, *match.span())
    ]
    taken = _Disjoint([(s, e) for _, s, e in found])
    for kommune in _KOMMUNE.finditer(text):
        words = list(_WORD.finditer(text, max(0, kommune.start() - 60), kommune.start()))[-3:]
        best: tuple[NameMatch, int, int] | None = None
        for first in range(len(words)):
            start, end = words[first].start(), words[-1].end()
            if not text[start].isupper() or taken.overlaps(start, end):
                continue
            match = match_municipality(text[start:end])
            if match and (best is None or match.score > best[0].score):
                best = (match, start, end)
        if best is not None:
            found.append(best)
            taken.add(best[1], best[2])
    return sorted(found, key=lambda item: item[1])


class _Disjoint:
    """Spans none of which overlap, in order: whether a span overlaps one is a bisection,
    where asking every span was quadratic in a text naming many municipalities."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        self._ends = [e for _, e in ordered]  # in order too, as the spans are disjoint

    def overlaps(self, start: int, end: int) -> bool:
        at = bisect.bisect_right(self._ends, start)  # the first span ending after ``start``
        return at < len(self._starts) and self._starts[at] < end

    def add(self, start: int, end: int) -> None:
        """Add a span overlapping none of them."""
        at = bisect.bisect_left(self._starts, start)
        self._starts.insert(at, start)
        self._ends.insert(at, end)


def municipality_by_code(code: str | int) -> Municipality | None:
    wanted = str(int(code))
    return next((m for m in municipalities() if m.code == wanted), None)


def municipality_name_pattern() -> re.Pattern[str]:
    """A regex matching any municipality name as a whole word, longest names first."""
    names = sorted((m.name for m in municipalities()), key=len, reverse=True)
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


@cache
def ministries() -> tuple[str, ...]:
    """The ministries known from their letterheads (``reference/ministries.csv``)."""
    return tuple(r["name"].strip() for r in _rows(REFERENCE_DIR / "ministries.csv"))


def match_ministry(name: str) -> str | None:
    """The known ministry ``name`` denotes, read through OCR slips, if any."""
    scored = sorted((score, known) for known in ministries() if (score := close(name, known)) is not None)
    return scored[-1][1] if scored else None


@cache
def acts() -> tuple[Act, ...]:
    return tuple(
        Act(r["type"], int(r["number"]), int(r["year"]), r["date"], r["title"], r["eli"])
        for r in _rows(REFERENCE_DIR / "acts.csv")
    )


def find_act(year: int, number: int) -> Act | None:
    """An act by year and number: the ELI key, whatever day a citation writes."""
    return next((a for a in acts() if a.year == year and a.number == number), None)


@cache
def legal_target_groups() -> tuple[LegalTargetGroup, ...]:
    return tuple(
        LegalTargetGroup(int(r["act_year"]), int(r["act_number"]), r["paragraph"], r["item"], r["label"])
        for r in _rows(REFERENCE_DIR / "target_groups.csv")
    )


@cache
def source_urls() -> dict[str, str]:
    """The public page each known source text was taken from, by the text's SHA-256
    (``reference/sources.csv``)."""
    return {r["sha256"].strip(): r["url"].strip() for r in _rows(REFERENCE_DIR / "sources.csv")}


TARGET_GROUP_ACT = (2019, 548)  # the catalogue's "§6.n" labels follow LOV nr. 548 af 07/05/2019
