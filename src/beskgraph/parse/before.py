"""Tests of the words just before a place in a text, at a cost bounded by those words.

``pattern.search(text[:end])`` for a pattern anchored at its end (``…\\s*$``) scans the
whole text before ``end``; a parser that asks it for every date of a long sentence does
quadratic work. :func:`ends_with` searches only the white space before ``end`` and the
last few words before that, which is where such a pattern can match, and gives the same
answer: a search with ``pos``/``endpos`` sees the text before ``pos`` for ``\\b`` and
ends the string at ``endpos`` for ``$``, exactly as the slice did.
"""

from __future__ import annotations

import re


def window_start(text: str, end: int, words: int) -> int:
    """Where the last ``words`` words before ``end`` (and the white space after them) begin."""
    start = end
    for _ in range(words):
        while start > 0 and text[start - 1].isspace():
            start -= 1
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    return start


def ends_with(pattern: re.Pattern[str], text: str, end: int, words: int) -> bool:
    """Whether ``pattern`` (anchored with ``$``, matching at most ``words`` words) matches
    in ``text[:end]``."""
    return pattern.search(text, window_start(text, end, words), end) is not None
