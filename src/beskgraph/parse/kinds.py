"""What kind of text a document is, when it is neither a catalogue card nor a letter the
correspondence parser reads: a minister's answer to a parliamentary question, a press
release, an agency's web page, a letter to a parliamentary committee, or other text.

Each test looks at the lines where that kind shows itself (its heading, its closing
boilerplate) by their form; none needs more than one pass over the lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..model.common import DocumentKind
from ..text import SourceText
from .letter_parts import is_closing, is_salutation

HEAD = 40  # lines in which a text names its kind, addressee or date

QUESTION = re.compile(
    r"^(?:(?:svar på|besvarelse af)\s+)?spørgsmål\s+(?:nr\.?\s*)?[A-ZÆØÅ]?\s?\d+\b", re.IGNORECASE
)
ANSWER = re.compile(r"^svar\s*:?\s*$|^svar\s*:", re.IGNORECASE)
PARLIAMENT = re.compile(r"\bFolketinget\b|\budvalg(?:et)?\b|\bAlm\.?\s?del\b|\bministeren\b", re.IGNORECASE)
PRESS_RELEASE = re.compile(r"^(?:pressemeddelelse|nyhed(?:er)?|presse)\b", re.IGNORECASE)
PRESS_CONTACT = re.compile(
    r"^(?:yderligere oplysninger|for yderligere information|pressekontakt"
    r"|kontakt(?:person)?)\b",
    re.IGNORECASE,
)
UPDATED = re.compile(r"^(?:senest|sidst)?\s*(?:opdateret|revideret)\b", re.IGNORECASE)
BREADCRUMB = re.compile(r"^(?:Forside|Du er her)\b|\S\s+[>›»/]\s+\S.*\s[>›»/]\s+\S")
PAGE_FURNITURE = re.compile(
    r"^(?:til toppen|del (?:siden|på)|print(?: siden)?|udskriv|cookies?"
    r"|hjælp til siden|læs også|relaterede sider|relateret indhold)\b",
    re.IGNORECASE,
)
COMMITTEE_ADDRESSEE = re.compile(r"^(?:Til\s+)?(?:Folketingets\s+)?[A-ZÆØÅ][\wæøå-]*udvalg(?:et)?\b")


def _keys(source: SourceText) -> list[str]:
    return source.normalised_lines()


def _closes(keys: list[str]) -> bool:
    return any(len(k) <= 40 and is_closing(k) for k in keys)


def looks_like_parliamentary_answer(source: SourceText) -> bool:
    """A question heading (``Spørgsmål nr. 312``), the answer's ``Svar:`` and parliament named."""
    keys = _keys(source)
    return (
        any(QUESTION.match(k) for k in keys)
        and any(ANSWER.match(k) for k in keys)
        and any(PARLIAMENT.search(k) for k in keys[:HEAD])
    )


def looks_like_press_release(source: SourceText) -> bool:
    """``Pressemeddelelse`` (or ``Nyhed``) at the top, or a press contact at the end."""
    keys = _keys(source)
    return any(PRESS_RELEASE.match(k) for k in keys[:5]) or (
        any("pressemeddelelse" in k.lower() for k in keys[:HEAD])
        and any(PRESS_CONTACT.match(k) for k in keys)
    )


def looks_like_web_page(source: SourceText) -> bool:
    """Two of: a breadcrumb trail, an ``Opdateret``/``Senest opdateret`` date, page furniture."""
    keys = _keys(source)
    cues = (
        any(BREADCRUMB.search(k) for k in keys[:HEAD]),
        any(UPDATED.match(k) for k in keys),
        any(PAGE_FURNITURE.match(k) for k in keys),
    )
    return sum(cues) >= 2


def looks_like_committee_letter(source: SourceText) -> bool:
    """Addressed to a committee of the parliament, with a greeting or a closing."""
    keys = _keys(source)
    return any(COMMITTEE_ADDRESSEE.match(k) for k in keys[:15]) and (
        any(is_salutation(k) for k in keys[:HEAD]) or _closes(keys)
    )


RECOGNISERS: tuple[tuple[DocumentKind, Callable[[SourceText], bool]], ...] = (
    (DocumentKind.PARLIAMENTARY_ANSWER, looks_like_parliamentary_answer),
    (DocumentKind.PRESS_RELEASE, looks_like_press_release),
    (DocumentKind.WEB_PAGE, looks_like_web_page),
    (DocumentKind.COMMITTEE_LETTER, looks_like_committee_letter),
)
