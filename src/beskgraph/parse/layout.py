"""What each line of an extracted letter is: running header, page image, page counter,
letterhead (address, phone, CVR, e-mail), a labelled case number or date, a party line
(ministry, committee, municipality, unit, addressee), or text.

PDF extraction leaves the letterhead's side column in the middle of the body; these
lines are recognised by their form wherever they occur, so no text value carries them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from ..reference import find_municipality
from ..text import Line, normalise
from .dates import parse_date


class Kind(str, Enum):
    BLANK = "blank"
    HEADER = "header"          # running header of the appendix
    PAGE_IMAGE = "page-image"  # 2567877_0003.png
    COUNTER = "counter"        # Side 2/3, a bare page number, a lone bullet
    CONTACT = "contact"        # address, phone, fax, e-mail, web, CVR, return address
    LABEL = "label"            # Dato / J.nr. / Sag ... with or without value
    VALUE = "value"            # the value line after a label
    DATE = "date"              # a line that is only a date
    PARTY = "party"            # ministry, committee, municipality, unit, "Til ..."
    TEXT = "text"


EMAIL = re.compile(r"\[\s*email\s*(?:&#160;)?\s*protected\s*\]", re.IGNORECASE)
HEADER = re.compile(
    r"^(?P<abbr>[A-ZÆØÅ]{2,6}),\s*(?P<collection>[\w. ]+?)\s+-\s+(?P<session>\d{4}-\d{2})\s+-\s+"
    r"(?P<kind>Bilag|Spørgsmål|Svar på spørgsmål)\s+(?P<number>\d+)\s*:\s*(?P<title>.*)$")
PAGE_IMAGE = re.compile(r"^(?P<doc>\d+)_(?P<page>\d{3,5})\.(?:png|jpe?g|tiff?)$", re.IGNORECASE)
COUNTER = re.compile(r"^(?:Side\s*\d+(?:\s*(?:/|af)\s*\d+)?|\d{1,3}|[-–•·]|Side|af)$",
                     re.IGNORECASE)
CONTACT = re.compile(
    r"^(?:T|Tlf|Telefon|Fax|Mobil|Dir\.?\s*tlf|E|Mail|E-?mail|Web|CVR|EAN|SE|P-nr)\.?\s*:?\s*"
    r"(?:[+\d(]|\[|$)|^(?:www\.|https?://)\S+$|^\S+@\S+$|^(?:Kontakt|Returadresse)\s*:",
    re.IGNORECASE)
POSTCODE = re.compile(r"^(?:[A-ZÆØÅ][\w. -]*\s\d+[A-Za-z]?,\s*)?\d{4}\s+[A-ZÆØÅ][\w .-]{1,25}$")
STREET = re.compile(r"^[A-ZÆØÅ][\wæøåé. -]{2,30}\s\d{1,3}[A-Za-z]?(?:,\s*\d\.?\s*sal)?$")
LABEL = re.compile(
    r"^(?P<label>Dato|J\.\s?nr\.?|Jnr\.?|Journalnr\.?|Journalnummer|Sagsnr\.?|Sagsnummer"
    r"|Sags-?id|Sag|Dokumentnummer|Dok\.\s?nr\.?|Vores ref\.?|Deres ref\.?)"
    r"(?:\s*:\s*|\s+|$)(?P<value>.*)$", re.IGNORECASE)
SCHEMES = {"dato": "dato", "jnr": "jnr", "journalnr": "jnr", "journalnummer": "jnr",
           "sagsnr": "sagsnr", "sagsnummer": "sagsnr", "sagsid": "sagsid", "sags-id": "sagsid",
           "sag": "sag", "dokumentnummer": "dokumentnummer", "doknr": "dokumentnummer",
           "voresref": "ref", "deresref": "ref"}
IDENTIFIER = re.compile(r"^(?=.*\d)[\w][\w ./-]{0,28}$")
MINISTRY = re.compile(r"^(?:Til\s+)?(?P<office>[A-ZÆØÅa-zæøå]+minister(?:en|iet)?)"
                      r"(?P<person>(?:\s+[A-ZÆØÅ][\w.-]*){1,4})?$")
COMMITTEE = re.compile(r"^(?:Til\s+)?(?P<name>[A-ZÆØÅ][\wæøå-]*udvalget)$")
UNIT = re.compile(r"^[A-ZÆØÅ][\wæøå-]*(?:sekretariat(?:et)?|forvaltning(?:en)?|kontor(?:et)?"
                  r"|afdeling(?:en)?|direktion(?:en)?)$", re.IGNORECASE)
ADDRESSEE = re.compile(r"^Til\s+\S")
INITIALS = re.compile(r"^[A-ZÆØÅ]{2,4}$")


@dataclass(frozen=True)
class Classified:
    line: Line
    kind: Kind
    label: str | None = None  # the scheme of a LABEL / VALUE line

    @property
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
    if CONTACT.match(text):
        return Kind.CONTACT
    if parse_date(text) is not None and len(text) <= 20 and not text.endswith("."):
        return Kind.DATE
    if LABEL.match(text):
        return Kind.LABEL
    if MINISTRY.match(text) or COMMITTEE.match(text) or UNIT.match(text) or _municipality(text):
        return Kind.PARTY
    if ADDRESSEE.match(text) and len(text.split()) <= 8:
        return Kind.PARTY
    return Kind.TEXT


def _municipality(text: str) -> bool:
    match = re.fullmatch(r"(.+?)\s+Kommune", text)
    return bool(match and find_municipality(match.group(1)))


def classify(lines: list[Line]) -> list[Classified]:
    """Classify every line, using neighbours for labels, addresses and split counters."""
    kinds = [_single(line) for line in lines]
    labels: list[str | None] = [None] * len(lines)
    texts = [normalise(EMAIL.sub("", line.text)) for line in lines]
    for index, text in enumerate(texts):
        if kinds[index] == Kind.LABEL:
            match = LABEL.match(text)
            assert match is not None
            labels[index] = scheme(match.group("label"))
            value = match.group("value").strip()
            if value and not IDENTIFIER.match(value) and parse_date(value) is None:
                kinds[index], labels[index] = Kind.TEXT, None  # "Sag og ..." is prose
            elif not value and index + 1 < len(lines) and _is_value(texts[index + 1], kinds,
                                                                    index + 1):
                kinds[index + 1], labels[index + 1] = Kind.VALUE, labels[index]
        elif POSTCODE.match(text) and kinds[index] in (Kind.TEXT, Kind.PARTY):
            kinds[index] = Kind.CONTACT
            if index and STREET.match(texts[index - 1]) and kinds[index - 1] == Kind.TEXT:
                kinds[index - 1] = Kind.CONTACT
        elif text.lower().startswith(("returadresse", "kontakt:")):
            _mark_block(kinds, texts, index)
        elif kinds[index] == Kind.TEXT and INITIALS.match(text):
            kinds[index] = Kind.CONTACT
    return [Classified(line, kind, label) for line, kind, label in zip(lines, kinds, labels,
                                                                        strict=True)]


def _is_value(text: str, kinds: list[Kind], index: int) -> bool:
    return kinds[index] in (Kind.TEXT, Kind.DATE, Kind.COUNTER) and (
        bool(IDENTIFIER.match(text)) or parse_date(text) is not None)


def _mark_block(kinds: list[Kind], texts: list[str], index: int) -> None:
    """A return address runs to its postcode; a contact block is one name line."""
    if texts[index].lower().startswith("kontakt"):
        if index + 1 < len(kinds) and kinds[index + 1] == Kind.TEXT \
                and len(texts[index + 1].split()) <= 5:
            kinds[index + 1] = Kind.CONTACT
        return
    for ahead in range(index + 1, min(index + 4, len(kinds))):
        kinds[ahead] = Kind.CONTACT
        if POSTCODE.match(texts[ahead]):
            break


NOISE = {Kind.BLANK, Kind.HEADER, Kind.PAGE_IMAGE, Kind.COUNTER, Kind.CONTACT, Kind.LABEL,
         Kind.VALUE, Kind.DATE, Kind.PARTY}
