"""Source text with character offsets: spans, lines and normalisation helpers.

Every record a parser produces carries a :class:`Span` into the original text, so
any fact in the graph can be traced back to the exact characters it came from.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .decoding import DecodeError, decode

# Danish month names, January first: dates in the sources, and on the pages.
MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)


@dataclass(frozen=True, order=True)
class Span:
    """Half-open character range ``[start, end)`` in a source document."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")

    def cover(self, other: Span) -> Span:
        """The smallest span holding both."""
        return Span(min(self.start, other.start), max(self.end, other.end))


@dataclass(frozen=True)
class Line:
    """One line of a source: its 1-based number, span and text (no newline)."""

    number: int
    span: Span
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()


@dataclass
class SourceText:
    """A source document's text with a line index for offset <-> line lookups."""

    path: Path
    text: str
    encoding: str = "utf-8"  # what the file was decoded from; spans count decoded characters
    stray_lines: tuple[int, ...] = ()  # lines with bytes not in ``encoding`` (read as cp1252)
    _line_starts: list[int] = field(init=False, repr=False)
    _lines: list[Line] | None = field(init=False, repr=False, default=None)
    _normalised: list[str] | None = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]

    def __getstate__(self) -> dict[str, object]:
        """Pickled (to the build cache, between processes) without the line caches."""
        return {**self.__dict__, "_lines": None, "_normalised": None}

    @classmethod
    def read(cls, path: Path) -> SourceText:
        return cls.from_bytes(path, path.read_bytes())

    @classmethod
    def from_bytes(cls, path: Path, raw: bytes) -> SourceText:
        """Decode ``raw`` (see :mod:`beskgraph.decoding`); line ends become ``\\n``."""
        try:
            decoded = decode(raw)
        except DecodeError as error:
            raise SourceError(path, error.line, error.reason) from error
        text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
        return cls(path, text, decoded.encoding, decoded.stray_lines)

    @property
    def name(self) -> str:
        return self.path.name

    def lines(self) -> list[Line]:
        """Every line with its span; the span excludes the line break (a new list each
        call, made once)."""
        if self._lines is None:
            ends = [start - 1 for start in self._line_starts[1:]] + [len(self.text)]
            self._lines = [
                Line(number, Span(start, end), self.text[start:end])
                for number, (start, end) in enumerate(zip(self._line_starts, ends, strict=True), 1)
            ]
        return list(self._lines)

    def normalised_lines(self) -> list[str]:
        """Every non-blank line, normalised (:func:`normalise`), in order (made once)."""
        if self._normalised is None:
            self._normalised = [normalise(line.text) for line in self.lines() if line.stripped]
        return self._normalised

    def line_of(self, offset: int) -> int:
        """1-based line number holding ``offset``."""
        return bisect.bisect_right(self._line_starts, offset)

    def slice(self, span: Span) -> str:
        return self.text[span.start : span.end]

    def strip_span(self, span: Span) -> Span:
        """Shrink a span so it holds no leading or trailing white space."""
        start, end = span.start, span.end
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return Span(start, end)


class SourceError(Exception):
    """A problem in a source document, located by file and line."""

    def __init__(self, path: Path | str, line: int | None, reason: str, kind: str | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.reason = reason
        self.kind = kind  # the kind of document it was read as, if any
        where = f"{self.path.name}:{line}" if line else self.path.name
        super().__init__(f"{where}: {reason}")


_DASHES_AND_QUOTES = str.maketrans(
    {
        **dict.fromkeys("\u2013\u2014\u2212", "-"),
        "\u00ad": "",  # a soft hyphen
        **dict.fromkeys("\u201c\u201d\u201e\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2018\u2019\u00b4", "'"),
    }
)


def normalise(text: str) -> str:
    """NFC, one kind of dash and quote, single spaces: the form every matcher compares."""
    return collapse(unicodedata.normalize("NFC", text).translate(_DASHES_AND_QUOTES))


def collapse(text: str) -> str:
    """White space folded to single spaces; every other character kept as written."""
    return " ".join(text.split())  # str.split's white space is re's \s


_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "oe", "ä": "ae"})


def slugify(text: str, max_length: int = 60) -> str:
    """A readable, stable IRI segment: ``"Skærpet fokus på …"`` -> ``skaerpet-fokus-paa-…``."""
    folded = normalise(text).lower().translate(_FOLD)
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug or "x"


def short_hash(text: str, length: int = 12) -> str:
    """A stable hex digest of normalised text, for IRIs minted from content."""
    return hashlib.sha256(normalise(text).encode()).hexdigest()[:length]


def distinct(keys: list[str], contents: list[str], *, always: bool = False) -> list[str]:
    """``keys`` made unique among themselves: a key two items share gets a hash of each
    one's content (every key does when ``always``); items alike in content too are
    numbered in order, the last resort."""
    shared = Counter(keys)
    out: list[str] = []
    taken: set[str] = set()
    numbered: dict[str, int] = {}  # per base, the number after the last one taken (all below are)
    for key, content in zip(keys, contents, strict=True):
        if always or shared[key] > 1:
            key = f"{key}-{short_hash(content, 6)}"
        base, n = key, numbered.get(key, 2)
        if key in taken:
            key = f"{base}-{n}"
            while key in taken:
                n += 1
                key = f"{base}-{n}"
            numbered[base] = n + 1
        out.append(key)
        taken.add(key)
    return out


def parse_decimal(text: str) -> float:
    """Danish decimal: ``"4,3"`` -> 4.3, ``"1.160"`` -> 1160."""
    cleaned = text.strip().replace(" ", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", cleaned):
        cleaned = cleaned.replace(".", "")
    return float(cleaned)
