"""Which letter answers which, and the letters that are only referred to.

A sentence that names a letter (``brev``, ``skrivelse``, ``henvendelse``, ``svar``: the
ministry's; ``redegørelse``, ``besvarelse``: the municipality's) next to an earlier date
is a referred letter; the same letter named twice is one node. ``Jeg har den 6. juli
2018 modtaget redegørelsen … underskrevet borgmester X`` dates the receipt of a reply and
names who signed it. Per municipality, each letter answers the latest earlier letter
from the other side; a letter to a committee encloses the replies.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from ..model.correspondence import Correspondence, Letter, Party, Side
from ..text import Span
from .dates import Temporal, find_dates
from .keys import letter_key
from .letter_parts import Draft
from .parties import PERSON_WITH_ROLE, canonical, named_municipalities

MINISTRY_NOUNS = r"brev|skrivelse|henvendelse|svar"
REPLY_NOUNS = r"redegørelse|besvarelse"
NOUN = re.compile(rf"\b(?:(?P<ministry>{MINISTRY_NOUNS})|(?P<reply>{REPLY_NOUNS}))(?:n|en|et|er|ne|rne)?\b",
                  re.IGNORECASE)
RECEIVED = re.compile(r"\bmodtaget\b", re.IGNORECASE)
SIGNED = re.compile(r"\bunderskrevet\b(?P<rest>.*)$", re.IGNORECASE)
NEAR = 60
RANGE = re.compile(r"\s(?:-|–|til)\s")


def link(doc: Correspondence, written: list[tuple[Letter, Draft]]) -> None:
    """Add referred letters, receipts, reply links and enclosures to ``doc``."""
    parties = [p for lt, _ in written for p in (lt.sender, *lt.recipients) if p is not None]
    ministry = next((p for p in parties if p.side == Side.MINISTRY and p.organisation), None)
    referred: dict[tuple[str, str, str], Letter] = {}
    for letter, draft in written:
        for start, end in draft.body.sentences():
            _read_sentence(doc, written, referred, ministry, letter, draft, start, end)
    for _, letter in sorted(referred.items()):
        letter.key = letter_key(letter)
        if letter.key not in {lt.key for lt in doc.letters}:  # else it is that letter
            doc.letters.append(letter)
    _chain(doc)
    for letter, _ in written:
        if any(r.side == Side.PARLIAMENT for r in letter.recipients):
            letter.encloses = [lt.key for lt, _ in written
                               if lt.sender and lt.sender.side == Side.MUNICIPALITY]


def _read_sentence(doc: Correspondence, written: list[tuple[Letter, Draft]],
                   referred: dict[tuple[str, str, str], Letter], ministry: Party | None,
                   letter: Letter, draft: Draft, start: int, end: int) -> None:
    if letter.date is None:
        return
    sentence = draft.body.text[start:end]
    at = date.fromisoformat(letter.date)
    for found in find_dates(sentence, at):
        if found.relative or found.end >= at or RANGE.search(found.text):
            continue
        noun = _nearest_noun(sentence, found)
        if noun is None:
            continue
        span = draft.body.span(start, end)
        writer_is_ministry = letter.sender is not None and letter.sender.side == Side.MINISTRY
        if writer_is_ministry and RECEIVED.search(sentence) and noun == "reply":
            _received(doc, written, letter, draft, sentence, found, start)
            continue
        codes = [m.municipality.code for m in named_municipalities(sentence)] \
            if noun == "ministry" and writer_is_ministry \
            else []
        for code in codes or ([letter.municipality_code] if letter.municipality_code else []):
            _refer(referred, ministry, noun, code, found, span)


def _nearest_noun(sentence: str, found: Temporal) -> str | None:
    best: tuple[int, str] | None = None
    for match in NOUN.finditer(sentence):
        distance = found.begin - match.end() if match.end() <= found.begin \
            else match.start() - found.finish
        if 0 <= distance <= NEAR and (best is None or distance < best[0]):
            best = (distance, "ministry" if match.group("ministry") else "reply")
    return best[1] if best else None


def _refer(referred: dict[tuple[str, str, str], Letter], ministry: Party | None, noun: str,
           code: str, found: Temporal, span: Span) -> None:
    municipality = Party(Side.MUNICIPALITY, canonical(code), span, municipality_code=code)
    minister = ministry or Party(Side.MINISTRY, None, span)  # named where it signed
    sender, recipient = (minister, municipality) if noun == "ministry" else (municipality, minister)
    when = found.start.isoformat()
    key = (noun, code, when)
    if key in referred:
        return
    letter = Letter(key="", span=span, date_text=found.text, date_span=None, sender=sender,
                    recipients=[recipient], referred_only=True, municipality_code=code)
    if found.kind == "date":
        letter.date = when
    else:
        letter.period = (when, found.end.isoformat())
    referred[key] = letter


def _received(doc: Correspondence, written: list[tuple[Letter, Draft]], letter: Letter,
              draft: Draft, sentence: str, found: Temporal, offset: int) -> None:
    """``Jeg har den 6. juli 2018 modtaget redegørelsen … underskrevet borgmester X``."""
    replies = [lt for lt, _ in written if lt.sender and lt.sender.side == Side.MUNICIPALITY
               and lt.municipality_code == letter.municipality_code
               and (lt.date or "") <= (letter.date or "")]
    if not replies:
        return
    reply = max(replies, key=lambda lt: lt.sort_date)
    if reply.received is None:  # a stamp on the reply itself says it first
        reply.received = found.start.isoformat()
        reply.received_span = draft.body.span(offset + found.begin, offset + found.finish)
    signed = SIGNED.search(sentence)
    if signed is None or reply.signatories:
        return
    base = offset + signed.start("rest")
    for match in PERSON_WITH_ROLE.finditer(signed.group("rest")):
        span = draft.body.span(base + match.start(), base + match.end())
        reply.signatories.append(Party(Side.MUNICIPALITY, reply.sender.organisation if
                                       reply.sender else None, span,
                                       municipality_code=reply.municipality_code,
                                       person=match.group("name"),
                                       role=match.group("role").lower()))
    if reply.sender and reply.sender.person is None and reply.signatories:
        first = reply.signatories[0]
        reply.sender = replace(reply.sender, person=first.person, role=first.role,
                               person_span=first.span)


def _chain(doc: Correspondence) -> None:
    """Per municipality, each letter answers the latest earlier one from the other side."""
    codes = sorted({lt.municipality_code for lt in doc.letters if lt.municipality_code})
    for code in codes:
        thread = sorted((lt for lt in doc.letters if lt.municipality_code == code
                         and lt.sender is not None),
                        key=lambda lt: (lt.sort_date, lt.key))
        for index, letter in enumerate(thread):
            earlier = [lt for lt in thread[:index] if lt.sort_date < letter.sort_date
                       and lt.sender and letter.sender and lt.sender.side != letter.sender.side]
            if earlier and earlier[-1].key not in letter.in_reply_to:
                letter.in_reply_to.append(earlier[-1].key)
