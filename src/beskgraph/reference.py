"""Reference data shipped with the project: municipalities, acts and § 6 target groups."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .config import REFERENCE_DIR
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
        Municipality(r["kommunekode"].strip(), r["name"].strip(), r["region"].strip(),
                     r["wikidata"].strip() or None)
        for r in rows
    ]
    return tuple(sorted(found, key=lambda m: int(m.code)))


def _name_key(name: str) -> str:
    key = normalise(name).lower()
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


def municipality_by_code(code: str | int) -> Municipality | None:
    wanted = str(int(code))
    return next((m for m in municipalities() if m.code == wanted), None)


def municipality_name_pattern() -> re.Pattern[str]:
    """A regex matching any municipality name as a whole word, longest names first."""
    names = sorted((m.name for m in municipalities()), key=len, reverse=True)
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


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
        LegalTargetGroup(int(r["act_year"]), int(r["act_number"]), r["paragraph"], r["item"],
                         r["label"])
        for r in _rows(REFERENCE_DIR / "target_groups.csv")
    )


TARGET_GROUP_ACT = (2019, 548)  # the catalogue's "§6.n" labels follow LOV nr. 548 af 07/05/2019
