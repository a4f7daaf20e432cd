"""Reading names and numbers through OCR damage: look-alike characters, dropped
diacritics, and an edit distance scaled to a word's length.

``repair`` reads a word that mixes letters and digits as the one kind it mostly is
(``2O18`` -> ``2018``, ``i2`` -> ``12``, ``AU6UST`` -> ``AUgUST``, ``hi1sen`` -> ``hilsen``);
``fold`` is the form names are compared in (lower case, Danish letters spelt out);
``close`` accepts one edit per five letters, never one in a word of three.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from .text import normalise

_DIGIT_FOR = {
    "O": "0",
    "o": "0",
    "D": "0",
    "Q": "0",
    "I": "1",
    "l": "1",
    "i": "1",
    "|": "1",
    "S": "5",
    "s": "5",
    "G": "6",
    "B": "8",
    "Z": "2",
}
_LETTER_FOR = str.maketrans({"0": "o", "1": "l", "5": "s", "6": "g", "8": "b", "|": "l"})
_TO_DIGITS = str.maketrans(_DIGIT_FOR)
_MIXED = re.compile(r"[^\W_]*\d[^\W_]*")
_SPELT = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "oe", "ä": "ae"})


def repair_word(word: str) -> str:
    """A word of letters and digits read as what it mostly is (see the module)."""
    digits = sum(c.isdigit() for c in word)
    lookalikes = sum(c in _DIGIT_FOR for c in word)
    if digits and digits + lookalikes == len(word) and digits * 2 >= len(word) - lookalikes:
        return word.translate(_TO_DIGITS)
    if digits * 2 < len(word):
        return word.translate(_LETTER_FOR)
    return word


def repair(text: str) -> str:
    """Every word of ``text`` that mixes letters and digits, repaired (lengths change
    only where a digit group split by spaces is joined: ``2 3 MAR.`` -> ``23 MAR.``)."""
    text = _MIXED.sub(lambda m: repair_word(m.group(0)), text)
    # a lone look-alike beside a digit: ``l 2 APR.``, ``3 l. august``
    text = re.sub(r"(?<!\S)[lIi|](?= \d)|(?<=\d )[lIi|](?=[.\s])", "1", text)
    text = re.sub(r"(?<!\S)[Oo](?= \d)|(?<=\d )[Oo](?=[.\s])", "0", text)
    return re.sub(r"(?<![\d.,])(\d) (\d)(?=\.?\s+\D)", r"\1\2", text)


@lru_cache(maxsize=4096)  # names are folded again for every line compared with them
def fold(text: str) -> str:
    """The comparison form: repaired, lower case, Danish letters spelt out, no accents,
    only letters and digits."""
    folded = repair(normalise(text)).lower().translate(_SPELT)
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded)


@cache
def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def allowed_edits(length: int) -> int:
    """Edits a name of ``length`` letters may have and still be read as that name."""
    return length // 5 if length > 3 else 0


def close(written: str, name: str) -> float | None:
    """How closely ``written`` (as OCR read it) matches ``name``, 0-1, if within the
    edits allowed for ``name``'s length; 1.0 only when equal but for case."""
    a, b = fold(written), fold(name)
    if abs(len(a) - len(b)) > allowed_edits(len(b)):  # at least that many edits apart
        return None
    distance = edit_distance(a, b)
    if distance > allowed_edits(len(b)):
        return None
    if normalise(written).lower() == normalise(name).lower():
        return 1.0
    raw = edit_distance(normalise(written).lower(), normalise(name).lower())
    return round(max(0.5, 1 - max(raw, 1) / max(len(name), 1)), 2)
