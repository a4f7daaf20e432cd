"""Join extracted lines into clean text that still maps every character to the source.

Lines are joined with a space, or a newline where a paragraph (or list item) ends;
words hyphenated over a line break are re-joined ("ind-" + "sats" -> "indsats", but
"a-" + "dagpenge" -> "a-dagpenge" and "praktik-" + "og" -> "praktik- og").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..text import Line, Span
from .layout import EMAIL

_CHARS = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u00b4": "'",
        "\u00a0": " ",
    }
)
_KEEP_HYPHEN_BEFORE = {"og", "eller", "samt", "til", "men"}
ABBREVIATIONS = {
    "pr",
    "nr",
    "stk",
    "jf",
    "jfr",
    "bl.a",
    "f.eks",
    "ca",
    "m.v",
    "mv",
    "evt",
    "dvs",
    "inkl",
    "ang",
    "vedr",
    "j.nr",
    "hhv",
    "mm",
    "m.m",
    "kl",
    "tlf",
    "dir",
    "ift",
}


@dataclass(frozen=True)
class Stitched:
    """Clean text and, per character, its offset in the source."""

    text: str
    offsets: tuple[int, ...]

    def span(self, start: int, end: int) -> Span:
        """The source span of ``text[start:end]`` (white space trimmed)."""
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        if start >= end:
            at = self.offsets[min(start, len(self.offsets) - 1)] if self.offsets else 0
            return Span(at, at)
        return Span(self.offsets[start], self.offsets[end - 1] + 1)

    def sentences(self) -> list[tuple[int, int]]:
        """Sentence ranges: split after . ! ? or a newline, not after abbreviations."""
        out, start = [], 0
        for match in re.finditer(r"[.!?]\s+(?=[\"'(]?[A-ZÆØÅ0-9])|\n", self.text):
            if match.group(0) != "\n":
                token = _last_word(self.text, start, match.start()).lower().lstrip("(")
                if token in ABBREVIATIONS or re.fullmatch(r"\d{1,2}|[a-zæøå]", token):
                    continue
            end = match.start() + (0 if match.group(0) == "\n" else 1)
            if self.text[start:end].strip():
                out.append((start, end))
            start = match.end()
        if self.text[start:].strip():
            out.append((start, len(self.text)))
        return out

    def index_at(self, source_offset: int) -> int:
        """The first character of the text read from ``source_offset`` or later."""
        return bisect.bisect_left(self.offsets, source_offset)

    def first_sentence(self) -> str:
        ranges = self.sentences()
        return self.text[ranges[0][0] : ranges[0][1]] if ranges else self.text

    def paragraphs(self) -> list[tuple[int, int]]:
        out, start = [], 0
        for match in re.finditer(r"\n", self.text):
            if self.text[start : match.start()].strip():
                out.append((start, match.start()))
            start = match.end()
        if self.text[start:].strip():
            out.append((start, len(self.text)))
        return out


def _last_word(text: str, start: int, end: int) -> str:
    """``re.search(r"(\\S+)$", text[start:end])``'s word, or "": read backwards from ``end``,
    so a sentence with many abbreviations is not re-read from its start at each one."""
    if end > start and text[end - 1] == "\n":  # "$" also matches before a final newline
        end -= 1
    first = end
    while first > start and not text[first - 1].isspace():
        first -= 1
    return text[first:end]


def _tokens(line: Line) -> list[tuple[str, int]]:
    """Words of a line (e-mail placeholders removed) with their source offsets."""
    raw = EMAIL.sub(lambda m: " " * len(m.group(0)), line.text).translate(_CHARS)
    return [(m.group(0).replace("\u00ad", ""), line.span.start + m.start()) for m in re.finditer(r"\S+", raw)]


_FUNCTION_WORDS = {
    "og",
    "eller",
    "for",
    "af",
    "i",
    "til",
    "med",
    "at",
    "på",
    "om",
    "som",
    "der",
    "den",
    "det",
    "en",
    "et",
    "de",
    "samt",
    "fra",
    "ved",
    "hos",
    "under",
}
MARKER = re.compile(r"^(?:[A-H][:)]\s|\d{1,2}[.)]\s+[A-ZÆØÅ])")


def is_heading(text: str) -> bool:
    """Short, capitalised, unpunctuated: ``Lovgivningens krav``, ``Jobsamtale 3 (… uge 12)``."""
    words = re.sub(r"\([^)]*\)", "", text).split()
    return (
        bool(re.match(r"[A-ZÆØÅ]", text))
        and not text.endswith((".", ",", ":", ";", "-"))
        and 0 < len(words) <= 8
        and words[-1].lower() not in _FUNCTION_WORDS
    )


def breaks_paragraph(previous: str, following: str, width: int, heading: bool = False) -> bool:
    """Does ``following`` start a new paragraph or list item after ``previous``?

    ``heading``: ``previous`` stands alone between a sentence end and ``following``."""
    if not re.match(r"[\"'(]?[A-ZÆØÅ0-9]", following):
        return False
    if MARKER.match(following) or MARKER.match(previous) or (heading and is_heading(previous)):
        return True
    if re.match(r"\d", following):
        return False
    return previous.endswith((".", ":", "!", "?")) or len(previous) < 0.6 * width


def line_width(lines: list[Line]) -> int:
    lengths = sorted(len(line.stripped) for line in lines if line.stripped)
    return lengths[int(len(lengths) * 0.8)] if lengths else 80


def stitch(lines: list[Line], width: int | None = None) -> Stitched:
    """Clean text of ``lines`` (already free of noise), paragraphs on their own lines."""
    width = width or line_width(lines)
    chars: list[str] = []
    offsets: list[int] = []
    previous, ended = "", True
    for line in lines:
        tokens = _tokens(line)
        if not tokens:
            continue
        text = " ".join(token for token, _ in tokens)
        joiner = "\n"
        if chars:
            joiner = _joiner(previous, text, width, ended)
            if joiner == "" and chars[-1] == "-" and not re.search(r"(?:^|\W)\w-$", previous):
                chars.pop()
                offsets.pop()
            elif joiner:
                chars.append(joiner)
                offsets.append(offsets[-1])
        for token_index, (token, offset) in enumerate(tokens):
            if token_index:
                chars.append(" ")
                offsets.append(offset - 1)
            chars.extend(token)
            offsets.extend(range(offset, offset + len(token)))
        ended = joiner == "\n" or previous.endswith((".", ":", "!", "?"))
        previous = text
    return Stitched("".join(chars), tuple(offsets))


def _joiner(previous: str, following: str, width: int, ended: bool) -> str:
    first = following.split()[0].lower()
    if re.search(r"\w-$", previous) and re.match(r"[a-zæøå]", following) and first not in _KEEP_HYPHEN_BEFORE:
        return ""
    return "\n" if breaks_paragraph(previous, following, width, ended) else " "
