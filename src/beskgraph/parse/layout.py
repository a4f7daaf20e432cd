"""What each line of an extracted letter is: running header, page image, page counter,
letterhead (address, phone, CVR, e-mail), a labelled case number or date, a party line
(ministry, committee, municipality, unit, addressee), a received-stamp, or text. Lines
are recognised through OCR slips too: look-alike digits (``5agsnr.``, ``2 3 MAR. 2O18``),
a misread municipality or ministry name, obfuscated addresses (``post(at)bm.dk``).

PDF extraction leaves the letterhead's side column in the middle of the body; these
lines are recognised by their form wherever they occur, so no text value carries them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from ..fuzzy import allowed_edits, edit_distance, fold, repair, repair_word
from ..reference import match_municipality
from ..text import Line, normalise
from .dates import parse_date


class Kind(str, Enum):
    BLANK = "blank"
    HEADER = "header"  # running header of the appendix
    PAGE_IMAGE = "page-image"  # 2567877_0003.png
    COUNTER = "counter"  # Side 2/3, a bare page number, a lone bullet
    CONTACT = "contact"  # address, phone, fax, e-mail, web, CVR, return address
    LABEL = "label"  # Dato / J.nr. / Sag ... with or without value
    VALUE = "value"  # the value line after a label
    DATE = "date"  # a line that is only a date (or a place and a date)
    PARTY = "party"  # ministry, committee, municipality, unit, "Til ..."
    STAMP = "stamp"  # a received-stamp (MODTAGET and its date)
    TEXT = "text"


EMAIL = re.compile(r"\[\s*email\s*(?:&#160;)?\s*protected\s*\]", re.IGNORECASE)
HEADER = re.compile(
    r"^(?P<abbr>[A-ZÆØÅ]{2,6}),\s*(?P<collection>[\w. ]+?)\s+-\s+(?P<session>\d{4}-\d{2})\s+-\s+"
    r"(?P<kind>Bilag|Spørgsmål|Svar på spørgsmål)\s+(?P<number>\d+)\s*:\s*(?P<title>.*)$"
)
PAGE_IMAGE = re.compile(r"^(?P<doc>\d+)_(?P<page>\d{3,5})\.(?:png|jpe?g|tiff?)$", re.IGNORECASE)
COUNTER = re.compile(r"^(?:Side\s*\d+(?:\s*(?:/|af)\s*\d+)?|\d{1,3}|[-–•·]|Side|af)$", re.IGNORECASE)
_AT = r"(?:@|\s?[(\[{]\s?(?:at|a|snabel-a)\s?[)\]}]\s?|\s(?:at)\s)"
_DOT = r"(?:\s?[.,]\s?|\s?[(\[{]\s?(?:dot|punktum)\s?[)\]}]\s?|\s(?:dot)\s)"
ADDRESS = re.compile(  # an e-mail or web address, also as obfuscated or OCR'd (post(at)bm.dk)
    rf"[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)+|(?:https?://|w{{2,3}}\s?[.,]\s?)[\w-]+(?:{_DOT}[\w/-]+)+",
    re.IGNORECASE,
)
CONTACT = re.compile(
    r"^(?:T|Tlf|Telefon|Fax|Mobil|Dir\.?\s*tlf|E|Mail|E-?mail|Web|CVR|EAN|SE|P-nr)\.?\s*:?\s*"
    r"(?:[+\d(]|\[|$)|^(?:www\.|https?://)\S+$|^\S+@\S+$|^(?:Kontakt|Returadresse)\s*:",
    re.IGNORECASE,
)
CONTACT_ADDRESS = re.compile(
    rf"^(?:(?:E|Mail|E-?mail|Web|Internet|Hjemmeside)\.?\s*:?\s*)?"
    rf"(?:{ADDRESS.pattern})\s*$",
    re.IGNORECASE,
)
STAMP_WORDS = ("modtaget", "indgaaet", "indkommet", "received")
DATED = re.compile(
    r"^(?P<place>[A-ZÆØÅ][\wæøå.-]*(?:\s[A-ZÆØÅ][\wæøå.-]*)?),?\s+(?:(?:d\.|den)\s+)?"
    r"(?P<date>\d.{5,25})$"
)
POSTCODE = re.compile(r"^(?:[A-ZÆØÅ][\w. -]*\s\d+[A-Za-z]?,\s*)?\d{4}\s+[A-ZÆØÅ][\w .-]{1,25}$")
STREET = re.compile(r"^[A-ZÆØÅ][\wæøåé. -]{2,30}\s\d{1,3}[A-Za-z]?(?:,\s*\d\.?\s*sal)?$")
LABEL = re.compile(
    r"^(?P<label>Dato|J\.\s?nr\.?|Jnr\.?|Journalnr\.?|Journalnummer|Sagsnr\.?|Sagsnummer"
    r"|Sags-?id|Sag|Dokumentnummer|Dok\.\s?nr\.?|Vores ref\.?|Deres ref\.?)"
    r"(?:\s*:\s*|\s+|$)(?P<value>.*)$",
    re.IGNORECASE,
)
SCHEMES = {
    "dato": "dato",
    "jnr": "jnr",
    "journalnr": "jnr",
    "journalnummer": "jnr",
    "sagsnr": "sagsnr",
    "sagsnummer": "sagsnr",
    "sagsid": "sagsid",
    "sags-id": "sagsid",
    "sag": "sag",
    "dokumentnummer": "dokumentnummer",
    "doknr": "dokumentnummer",
    "voresref": "ref",
    "deresref": "ref",
}
IDENTIFIER = re.compile(r"^(?=.*\d)[\w][\w ./-]{0,28}$")
MINISTRY = re.compile(  # also a ministry of two or more ("Social- og Boligministeren")
    r"^(?:Til\s+)?(?P<office>(?:(?:[A-ZÆØÅa-zæøå]+-,?\s+){1,3}og\s+)?"
    r"[A-ZÆØÅa-zæøå]+minister(?:en|iet)?)"
    r"(?P<person>(?:\s+[A-ZÆØÅ][\w.-]*){1,4})?$"
)
COMMITTEE = re.compile(r"^(?:Til\s+)?(?P<name>[A-ZÆØÅ][\wæøå-]*udvalget)$")
UNIT = re.compile(
    r"^[A-ZÆØÅ][\wæøå-]*(?:sekretariat(?:et)?|forvaltning(?:en)?|kontor(?:et)?"
    r"|afdeling(?:en)?|direktion(?:en)?)$",
    re.IGNORECASE,
)
ADDRESSEE = re.compile(r"^Til\s+\S")
INITIALS = re.compile(r"^[A-ZÆØÅ]{2,4}$")


@dataclass(frozen=True)
class Classified:
    line: Line
    kind: Kind
    label: str | None = None  # the scheme of a LABEL / VALUE line

    @cached_property
    def text(self) -> str:
        return normalise(EMAIL.sub("", self.line.text))


def scheme(label: str) -> str:
    return SCHEMES.get(re.sub(r"[\s.:]", "", label.lower()), "ref")


def _single(line: Line) -> Kind:
    raw = line.stripped
    text = normalise(EMAIL.sub("", raw))
    if not raw:
        return Kind.BLANK
    if HEADER.match(normalise(raw)):
        return Kind.HEADER
    if PAGE_IMAGE.match(raw):
        return Kind.PAGE_IMAGE
    if not text or re.fullmatch(r"(?:E|Mail|mail|E-mail)\s*:?", text):
        return Kind.CONTACT  # nothing left once the e-mail placeholder is gone
    if COUNTER.match(text):
        return Kind.COUNTER
    if CONTACT.match(text) or CONTACT_ADDRESS.match(text):
        return Kind.CONTACT
    if is_stamp(text):
        return Kind.STAMP
    if parse_date(text) is not None and len(text) <= 20 and not text.endswith("."):
        return Kind.DATE
    if (dated := DATED.match(text)) and parse_date(dated.group("date")) is not None:
        return Kind.DATE
    if read_label(text):
        return Kind.LABEL
    if read_office(text) or COMMITTEE.match(text) or UNIT.match(text) or _municipality(text):
        return Kind.PARTY
    if ADDRESSEE.match(text) and len(text.split()) <= 8:
        return Kind.PARTY
    return Kind.TEXT


@dataclass(frozen=True)
class Office:
    """A ministry line: the office as written (``Beskæftigelsesministeren``), the person
    holding it when named, and whether the line addresses it (``Til …``)."""

    office: str
    person: str | None
    addressed: bool


_OFFICE_ENDINGS = ("ministeriet", "ministeren", "minister")


def read_office(text: str) -> Office | None:
    """A line naming a ministry or minister, also as OCR read it (``Beskæftigelsesrninisteren``:
    one slip in the ending; digits read as letters)."""
    addressed = bool(re.match(r"Til\s", text))
    if match := MINISTRY.match(text):
        return Office(match.group("office"), (match.group("person") or "").strip() or None, addressed)
    words = text.split()[1 if addressed else 0 :]
    if len(words) > 1 and words[1][0].islower():  # one word split in two
        words = [words[0] + words[1], *words[2:]]
    if not words or len(words) > 5 or not all(w[0].isupper() for w in words[1:]):
        return None
    word = repair_word(words[0])
    for ending in _OFFICE_ENDINGS:
        for size in (len(ending) - 1, len(ending), len(ending) + 1):
            if len(word) > size + 2 and edit_distance(word[-size:].lower(), ending) <= 1:
                return Office(word[:-size] + ending, " ".join(words[1:]) or None, addressed)
    return None


def read_label(text: str) -> re.Match[str] | None:
    """A labelled field (``Sagsnr. 18/1199``), also with a look-alike digit in its label
    (``5agsnr.``)."""
    return LABEL.match(text) or LABEL.match(repair(text))


def is_stamp(text: str) -> bool:
    """A received-stamp's word (``MODTAGET``, OCR'd ``M0DTAGET``), alone or before its date."""
    words = text.split()
    if not words or len(words) > 6:
        return False
    first = fold(words[0])
    return any(edit_distance(first, word) <= allowed_edits(len(word)) for word in STAMP_WORDS) and (
        len(words) == 1 or parse_date(" ".join(words[1:])) is not None
    )


def empty_value(value: str) -> bool:
    """A form field left blank (``J.nr.``, ``J.nr.: ____``, ``Sag: -``)."""
    return not re.sub(r"[\s_.:\-–—]", "", value)


def _municipality(text: str) -> bool:
    """A line that is a municipality's name (``Hillerød Kommune``, OCR'd ``Hi1lerød Kommune``)."""
    return bool(re.fullmatch(r"\S.{0,40}?\s+Kommune", text) and match_municipality(text))


def classify(lines: list[Line]) -> list[Classified]:
    """Classify every line, using neighbours for labels, addresses and split counters."""
    kinds = [_single(line) for line in lines]
    labels: list[str | None] = [None] * len(lines)
    texts = [normalise(EMAIL.sub("", line.text)) for line in lines]
    for index, text in enumerate(texts):
        if kinds[index] == Kind.LABEL:
            match = read_label(text)
            assert match is not None
            labels[index] = scheme(match.group("label"))
            value = match.group("value").strip()
            if empty_value(value):
                value = ""
            if value and not IDENTIFIER.match(value) and parse_date(value) is None:
                kinds[index], labels[index] = Kind.TEXT, None  # "Sag og ..." is prose
            elif not value and index + 1 < len(lines) and _is_value(texts[index + 1], kinds, index + 1):
                kinds[index + 1], labels[index + 1] = Kind.VALUE, labels[index]
        elif POSTCODE.match(repair(text)) and kinds[index] in (Kind.TEXT, Kind.PARTY):
            kinds[index] = Kind.CONTACT
            if index and STREET.match(texts[index - 1]) and kinds[index - 1] == Kind.TEXT:
                kinds[index - 1] = Kind.CONTACT
        elif text.lower().startswith(("returadresse", "kontakt:")):
            _mark_block(kinds, texts, index)
        elif kinds[index] == Kind.TEXT and INITIALS.match(text):
            kinds[index] = Kind.CONTACT
        elif (
            kinds[index] == Kind.STAMP
            and index + 1 < len(lines)
            and len(text.split()) == 1
            and kinds[index + 1] in (Kind.DATE, Kind.TEXT)
            and parse_date(texts[index + 1])
        ):
            kinds[index + 1] = Kind.STAMP  # the stamp's date, on the line below its word
    return [Classified(line, kind, label) for line, kind, label in zip(lines, kinds, labels, strict=True)]


def _is_value(text: str, kinds: list[Kind], index: int) -> bool:
    return kinds[index] in (Kind.TEXT, Kind.DATE, Kind.COUNTER) and (
        bool(IDENTIFIER.match(text)) or parse_date(text) is not None
    )


def _mark_block(kinds: list[Kind], texts: list[str], index: int) -> None:
    """A return address runs to its postcode; a contact block is one name line."""
    if texts[index].lower().startswith("kontakt"):
        if index + 1 < len(kinds) and kinds[index + 1] == Kind.TEXT and len(texts[index + 1].split()) <= 5:
            kinds[index + 1] = Kind.CONTACT
        return
    for ahead in range(index + 1, min(index + 4, len(kinds))):
        kinds[ahead] = Kind.CONTACT
        if POSTCODE.match(texts[ahead]):
            break


NOISE = {
    Kind.BLANK,
    Kind.HEADER,
    Kind.PAGE_IMAGE,
    Kind.COUNTER,
    Kind.CONTACT,
    Kind.LABEL,
    Kind.VALUE,
    Kind.DATE,
    Kind.PARTY,
    Kind.STAMP,
}
