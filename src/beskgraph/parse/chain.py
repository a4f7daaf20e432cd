"""Which letter answers which, and the letters that are only referred to.

A sentence that names a letter (``brev``, ``skrivelse``, ``henvendelse``, ``svar``: the
ministry's; ``redegørelse``, ``besvarelse``: the municipality's) next to an earlier date
is a referred letter; the same letter named twice is one node. ``Jeg har den 6. juli
2018 modtaget redegørelsen … underskrevet borgmester X`` dates the receipt of a reply and
names who signed it. Per municipality, each letter answers the latest earlier letter
from the other side; a letter to a committee encloses the replies.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace
from datetime import date
from functools import cached_property

from ..model.correspondence import Correspondence, Letter, Party, Side
from ..text import Span
from .dates import Temporal, find_dates
from .keys import letter_key
from .letter_parts import Draft
from .parties import PERSON_WITH_ROLE, canonical, named_municipalities

MINISTRY_NOUNS = r"brev|skrivelse|henvendelse|svar"
REPLY_NOUNS = r"redegørelse|besvarelse"
NOUN = re.compile(
    rf"\b(?:(?P<ministry>{MINISTRY_NOUNS})|(?P<reply>{REPLY_NOUNS}))(?:n|en|et|er|ne|rne)?\b", re.IGNORECASE
)
RECEIVED = re.compile(r"\bmodtaget\b", re.IGNORECASE)
SIGNED = re.compile(r"\bunderskrevet\b(?P<rest>.*)$", re.IGNORECASE)
NEAR = 60
RANGE = re.compile(r"\s(?:-|–|til)\s")


def link(doc: Correspondence, written: list[tuple[Letter, Draft]]) -> None:
    """Add referred letters, receipts, reply links and enclosures to ``doc``."""
    parties = [p for lt, _ in written for p in (lt.sender, *lt.recipients) if p is not None]
    ministry = next((p for p in parties if p.side == Side.MINISTRY and p.organisation), None)
    referred: dict[tuple[str, str, str], Letter] = {}
    replies = _Replies(written)
    for letter, draft in written:
        for start, end in draft.body.sentences():
            _read_sentence(doc, replies, referred, ministry, letter, draft, start, end)
    keys = {lt.key for lt in doc.letters}
    for _, letter in sorted(referred.items()):
        letter.key = letter_key(letter)
        if letter.key not in keys:  # else it is that letter
            doc.letters.append(letter)
            keys.add(letter.key)
    _chain(doc)
    enclosed = [lt.key for lt, _ in written if lt.sender and lt.sender.side == Side.MUNICIPALITY]
    for letter, _ in written:
        if any(r.side == Side.PARLIAMENT for r in letter.recipients):
            letter.encloses = list(enclosed)


class _Sentence:
    """One sentence and what is read from it once, however many dates it holds."""

    def __init__(self, text: str) -> None:
        self.text = text
        nouns = [
            (m.start(), m.end(), "ministry" if m.group("ministry") else "reply") for m in NOUN.finditer(text)
        ]
        self._starts = [start for start, _, _ in nouns]
        self._ends = [end for _, end, _ in nouns]
        self._kinds = [kind for _, _, kind in nouns]

    def nearest_noun(self, found: Temporal) -> str | None:
        """The kind of the letter noun nearest ``found`` (within NEAR characters, not
        overlapping it; the earlier of two as near)."""
        before = bisect.bisect_right(self._ends, found.begin) - 1  # the last ending by then
        after = bisect.bisect_left(self._starts, found.finish)  # the first starting after it
        near_before = found.begin - self._ends[before] if before >= 0 else NEAR + 1
        near_after = self._starts[after] - found.finish if after < len(self._starts) else NEAR + 1
        if min(near_before, near_after) > NEAR:
            return None
        return self._kinds[before] if near_before <= near_after else self._kinds[after]

    @cached_property
    def received(self) -> bool:
        return RECEIVED.search(self.text) is not None

    @cached_property
    def signed(self) -> re.Match[str] | None:
        return SIGNED.search(self.text)

    @cached_property
    def municipalities(self) -> list[str]:
        return [m.municipality.code for m in named_municipalities(self.text)]


def _read_sentence(
    doc: Correspondence,
    replies: _Replies,
    referred: dict[tuple[str, str, str], Letter],
    ministry: Party | None,
    letter: Letter,
    draft: Draft,
    start: int,
    end: int,
) -> None:
    if letter.date is None:
        return
    sentence = _Sentence(draft.body.text[start:end])
    at = date.fromisoformat(letter.date)
    for found in find_dates(sentence.text, at):
        if found.relative or found.end >= at or RANGE.search(found.text):
            continue
        noun = sentence.nearest_noun(found)
        if noun is None:
            continue
        span = draft.body.span(start, end)
        writer_is_ministry = letter.sender is not None and letter.sender.side == Side.MINISTRY
        if writer_is_ministry and sentence.received and noun == "reply":
            _received(doc, replies, letter, draft, sentence, found, start)
            continue
        codes = sentence.municipalities if noun == "ministry" and writer_is_ministry else []
        for code in codes or ([letter.municipality_code] if letter.municipality_code else []):
            _refer(referred, ministry, noun, code, found, span)


def _refer(
    referred: dict[tuple[str, str, str], Letter],
    ministry: Party | None,
    noun: str,
    code: str,
    found: Temporal,
    span: Span,
) -> None:
    municipality = Party(Side.MUNICIPALITY, canonical(code), span, municipality_code=code)
    minister = ministry or Party(Side.MINISTRY, None, span)  # named where it signed
    sender, recipient = (minister, municipality) if noun == "ministry" else (municipality, minister)
    when = found.start.isoformat()
    key = (noun, code, when)
    if key in referred:
        return
    letter = Letter(
        key="",
        span=span,
        date_text=found.text,
        date_span=None,
        sender=sender,
        recipients=[recipient],
        referred_only=True,
        municipality_code=code,
    )
    if found.kind == "date":
        letter.date = when
    else:
        letter.period = (when, found.end.isoformat())
    referred[key] = letter


class _Replies:
    """The municipalities' letters of a document, by municipality (read once)."""

    def __init__(self, written: list[tuple[Letter, Draft]]) -> None:
        self._by_code: dict[str | None, list[Letter]] = {}
        for lt, _ in written:
            if lt.sender and lt.sender.side == Side.MUNICIPALITY:
                self._by_code.setdefault(lt.municipality_code, []).append(lt)
        self._latest: dict[int, Letter | None] = {}

    def latest(self, letter: Letter) -> Letter | None:
        """The latest reply from ``letter``'s municipality written by ``letter``'s date."""
        if id(letter) not in self._latest:
            replies = [
                lt
                for lt in self._by_code.get(letter.municipality_code, [])
                if (lt.date or "") <= (letter.date or "")
            ]
            self._latest[id(letter)] = max(replies, key=lambda lt: lt.sort_date) if replies else None
        return self._latest[id(letter)]


def _received(
    doc: Correspondence,
    replies: _Replies,
    letter: Letter,
    draft: Draft,
    sentence: _Sentence,
    found: Temporal,
    offset: int,
) -> None:
    """``Jeg har den 6. juli 2018 modtaget redegørelsen … underskrevet borgmester X``."""
    reply = replies.latest(letter)
    if reply is None:
        return
    if reply.received is None:  # a stamp on the reply itself says it first
        reply.received = found.start.isoformat()
        reply.received_span = draft.body.span(offset + found.begin, offset + found.finish)
    signed = sentence.signed
    if signed is None or reply.signatories:
        return
    base = offset + signed.start("rest")
    for match in PERSON_WITH_ROLE.finditer(signed.group("rest")):
        span = draft.body.span(base + match.start(), base + match.end())
        reply.signatories.append(
            Party(
                Side.MUNICIPALITY,
                reply.sender.organisation if reply.sender else None,
                span,
                municipality_code=reply.municipality_code,
                person=match.group("name"),
                role=match.group("role").lower(),
            )
        )
    if reply.sender and reply.sender.person is None and reply.signatories:
        first = reply.signatories[0]
        reply.sender = replace(reply.sender, person=first.person, role=first.role, person_span=first.span)


def _chain(doc: Correspondence) -> None:
    """Per municipality, each letter answers the latest earlier one from the other side."""
    threads: dict[str, list[Letter]] = {}
    for lt in doc.letters:
        if lt.municipality_code and lt.sender is not None:
            threads.setdefault(lt.municipality_code, []).append(lt)
    for code in sorted(threads):
        thread = sorted(threads[code], key=lambda lt: (lt.sort_date, lt.key))
        latest: dict[Side, tuple[int, Letter]] = {}  # per side, its last letter of an earlier date
        waiting: list[tuple[int, Letter]] = []  # letters of the date being read
        for index, letter in enumerate(thread):
            if waiting and waiting[-1][1].sort_date < letter.sort_date:
                for item in waiting:
                    # ignored below: a thread's letters have senders
                    latest[item[1].sender.side] = item  # type: ignore[union-attr]
                waiting = []
            waiting.append((index, letter))
            side = letter.sender.side  # type: ignore[union-attr]  # (a thread's letters have senders)
            other = max(
                (item for s, item in latest.items() if s != side), default=None, key=lambda item: item[0]
            )
            if other is not None and other[1].key not in letter.in_reply_to:
                letter.in_reply_to.append(other[1].key)
