"""Bytes to text: UTF-8 with or without a byte-order mark, UTF-16 and UTF-32, and the
legacy encodings charset-normalizer recognises (cp1252 / Latin-1 for Danish text).

Input that is empty, binary, larger than the limit or in no encoding that fits is a
:class:`DecodeError` naming the line and the reason.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass

import charset_normalizer

DEFAULT_MAX_BYTES = 16 * 2**20
BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
FALLBACK = "cp1252"  # what a Danish text in no Unicode encoding almost always is
CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # Unicode Cc, without \t \n \v \f \r
MAX_CONTROL_SHARE = 0.01  # more control characters than this: binary data, not text


class DecodeError(ValueError):
    """The bytes are not a text this pipeline can read; ``line`` is where it shows (or None)."""

    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    stray_lines: tuple[int, ...] = ()  # lines of bytes that were not in ``encoding`` (read as cp1252)


def max_document_bytes() -> int:
    """The size limit of one source document (env ``BESKGRAPH_MAX_DOCUMENT_BYTES``)."""
    return int(os.environ.get("BESKGRAPH_MAX_DOCUMENT_BYTES", DEFAULT_MAX_BYTES))


def too_large(size: int) -> str | None:
    """Why a document of ``size`` bytes is not read, if it is too large."""
    limit = max_document_bytes()
    if size <= limit:
        return None
    return f"document of {size:,} bytes is over the limit of {limit:,} (BESKGRAPH_MAX_DOCUMENT_BYTES)"


def decode(raw: bytes) -> Decoded:
    """The text ``raw`` holds, and the encoding it was read in."""
    if reason := too_large(len(raw)):
        raise DecodeError(None, reason)
    decoded = _by_bom(raw) or _utf8(raw) or _mostly_utf8(raw) or _detected(raw)
    _check_text(decoded.text)
    return decoded


def _by_bom(raw: bytes) -> Decoded | None:
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as error:
                raise DecodeError(
                    _line_at(raw, error.start, bom),
                    f"starts with a {encoding} byte-order mark but is not {encoding} ({error.reason})",
                ) from error
            return Decoded(text.removeprefix("\ufeff"), encoding.removesuffix("-sig"))
    return None


def _line_at(raw: bytes, offset: int, bom: bytes) -> int:
    """The line of byte ``offset`` (line breaks counted in the encoding's width)."""
    width = 4 if len(bom) == 4 else 2 if len(bom) == 2 else 1
    newline = "\n".encode({4: "utf-32-le", 2: "utf-16-le", 1: "utf-8"}[width])
    if bom in (codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE):
        newline = newline[::-1]
    return raw[:offset].count(newline) + 1


def _utf8(raw: bytes) -> Decoded | None:
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return None


def _mostly_utf8(raw: bytes) -> Decoded | None:
    """UTF-8 with a few bytes that are not (a line pasted from a cp1252 file, say): those bytes
    read as cp1252, their lines kept to be reported. Mostly: fewer such bytes than UTF-8 wrote
    characters of more than one byte (a cp1252 file has none of those, or next to none)."""
    text = raw.decode("utf-8", "surrogateescape")  # a byte that is not UTF-8: one of U+DC80-DCFF
    runs = list(_ESCAPED.finditer(text))
    wide = len(raw) - len(text)  # the bytes UTF-8 characters take beyond one each
    if sum(len(run.group()) for run in runs) >= wide:
        return None
    lines: list[int] = []
    line, counted = 1, 0
    for run in runs:  # in order: the line breaks between two are counted once
        line, counted = line + text.count("\n", counted, run.start()), run.start()
        if not lines or lines[-1] != line:
            lines.append(line)
    return Decoded(_ESCAPED.sub(_as_cp1252, text), "utf-8", tuple(lines))


_ESCAPED = re.compile("[\udc80-\udcff]+")


def _as_cp1252(run: re.Match[str]) -> str:
    return bytes(ord(c) - 0xDC00 for c in run.group()).decode(FALLBACK, errors="replace")


def _detected(raw: bytes) -> Decoded:
    """charset-normalizer's answer when it recognises a language (too little text for
    that: cp1252, if it fits); else its best guess; else an error."""
    best = charset_normalizer.from_bytes(raw).best()
    if best is not None and best.language != "Unknown":
        return Decoded(str(best), best.encoding)
    try:
        return Decoded(raw.decode(FALLBACK), FALLBACK)
    except UnicodeDecodeError:
        pass
    if best is not None:
        return Decoded(str(best), best.encoding)
    bad = next((i for i, byte in enumerate(raw) if byte < 9 or byte > 127), 0)
    raise DecodeError(raw[:bad].count(b"\n") + 1, "binary data, not text: no character encoding fits")


def _check_text(text: str) -> None:
    if not text.strip():
        raise DecodeError(1, "empty document")
    first = CONTROL.search(text)
    if first is None:
        return
    count = len(CONTROL.findall(text))
    if "\x00" in text or count > MAX_CONTROL_SHARE * len(text):
        raise DecodeError(
            text.count("\n", 0, first.start()) + 1,
            f"binary data, not text ({count:,} control characters in {len(text):,})",
        )
