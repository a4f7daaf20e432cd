"""A seeded OCR-noise generator: corrupts a letter the way scanners do.

Per word it may read a character as a look-alike (``l``/``1``, ``O``/``0``, ``rn``/``m``,
``S``/``5``, ``G``/``6``, ``e``/``c``), drop a diacritic (``ø`` -> ``o``, ``æ`` -> ``ae``),
split the word with a space (``Venl ig``), run it into the next one, or break it over two
lines (with a hyphen or without). A date can come out with its digits spaced and
confused (``2 3 MAR. 2O18``). A stray received-stamp (``MODTAGET`` and a date) can land
on any line of the first page. The same seed always gives the same text.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from beskgraph.parse.dates import MONTHS as MONTH_NAMES

CONFUSABLE = (
    ("rn", "m"),
    ("m", "rn"),
    ("l", "1"),
    ("1", "l"),
    ("I", "l"),
    ("i", "l"),
    ("O", "0"),
    ("0", "O"),
    ("o", "0"),
    ("S", "5"),
    ("G", "6"),
    ("e", "c"),
    ("c", "e"),
    ("u", "n"),
    ("h", "b"),
    ("B", "8"),
)
DIACRITICS = {"ø": "o", "å": "a", "æ": "ae", "Ø": "O", "Å": "A", "Æ": "AE", "é": "e"}
SHORT = ("JAN.", "FEB.", "MAR.", "APR.", "MAJ", "JUN.", "JUL.", "AUG.", "SEP.", "OKT.", "NOV.", "DEC.")
DATE = re.compile(r"^\d{1,2}\. [a-zæøå]+ \d{4}$")


@dataclass(frozen=True)
class Noise:
    """How often each kind of damage happens (per word, per date line, per letter)."""

    confusable: float = 0.03
    diacritic: float = 0.10
    split: float = 0.01
    join: float = 0.01
    line_break: float = 0.005
    date: float = 0.5
    stamp: float = 0.5


def _word(rng: random.Random, word: str, noise: Noise) -> str:
    if rng.random() < noise.confusable:
        found = [(a, b) for a, b in CONFUSABLE if a in word]
        if found:
            a, b = rng.choice(found)
            at = rng.choice([m.start() for m in re.finditer(re.escape(a), word)])
            word = word[:at] + b + word[at + len(a) :]
    if rng.random() < noise.diacritic and any(c in DIACRITICS for c in word):
        c = rng.choice([c for c in word if c in DIACRITICS])
        word = word.replace(c, DIACRITICS[c], 1)
    if len(word) > 3 and rng.random() < noise.split:
        at = rng.randrange(1, len(word) - 1)
        word = f"{word[:at]} {word[at:]}"
    if len(word) > 5 and rng.random() < noise.line_break:
        at = rng.randrange(2, len(word) - 2)
        word = f"{word[:at]}{rng.choice(['-', ''])}\n{word[at:]}"
    return word


def _confused_digits(rng: random.Random, text: str) -> str:
    """``0`` read as ``O``, ``1`` as ``i`` or ``l``, now and then."""
    return re.sub(r"[01]", lambda m: rng.choice({"0": "00O", "1": "11il"}[m.group(0)]), text)


def scanned_date(rng: random.Random, day: int, month: int, year: int) -> str:
    """A date as a received-stamp prints it and OCR reads it: ``2 3 MAR. 2O18``."""
    digits = f"{day:02d}" if day > 9 or rng.random() < 0.5 else str(day)
    if len(digits) == 2 and rng.random() < 0.5:
        digits = f"{digits[0]} {digits[1]}"
    return _confused_digits(rng, f"{digits} {SHORT[month - 1]} {year}")


def _line(rng: random.Random, line: str, noise: Noise) -> str:
    if DATE.match(line.strip()) and rng.random() < noise.date:
        day, month, year = line.strip().split()
        day = day.rstrip(".")
        day = rng.choice([f"{day}.", f"{' '.join(day)}.", day])
        month = rng.choice([month, month.upper(), SHORT[MONTH_NAMES.index(month)]])
        return _confused_digits(rng, f"{day} {month} {year}")
    words = line.split(" ")
    out = []
    for index, word in enumerate(words):
        word = _word(rng, word, noise) if word else word
        if out and index and rng.random() < noise.join and out[-1] and not out[-1].endswith("\n"):
            out[-1] += word
        else:
            out.append(word)
    return " ".join(out)


def corrupt(text: str, seed: int, noise: Noise = Noise()) -> str:
    """``text`` as a scanner might have read it; the same seed gives the same result."""
    rng = random.Random(seed)
    lines = [_line(rng, line, noise) for line in text.split("\n")]
    if rng.random() < noise.stamp:
        at = rng.randrange(0, min(12, len(lines)))
        stamp = scanned_date(rng, rng.randrange(1, 29), rng.randrange(1, 13), 2018)
        lines[at:at] = rng.choice([["MODTAGET", stamp], [f"Modtaget {stamp}"]])
    return "\n".join(lines)
