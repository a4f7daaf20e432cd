"""Senders, recipients and signatories of a letter, and the people named with a role.

The ministry writes on a letterhead (``Beskæftigelsesministeren`` above its address) or
signs as minister; otherwise the sender is the municipality whose unit, letterhead,
signature or text names it. The recipient is the other side: a committee, the
municipality's office holders (``Til borgmester, … og jobcenterchef``), or the minister.
"""

from __future__ import annotations

import re
from collections import Counter

from ..model.correspondence import Party, Side
from ..reference import (
    NameMatch,
    find_municipalities,
    find_municipality,
    match_ministry,
    match_municipality,
    municipality_by_code,
)
from ..text import SourceText, Span
from .layout import COMMITTEE, UNIT, Classified, Kind, read_office
from .letter_parts import ROLE_WORD, Draft

PERSON_WITH_ROLE = re.compile(
    rf"\b(?P<role>{ROLE_WORD})\s+(?P<name>[A-ZÆØÅ][a-zæøåé]+(?:[ -](?:[A-ZÆØÅ]\.|[A-ZÆØÅ][a-zæøåé]+"
    r")){1,3})"
)
ROLE_LIST = re.compile(
    rf"^(?:Til|Kære)\s+(?P<roles>{ROLE_WORD}(?:\s*(?:,|og)\s*{ROLE_WORD})*)$", re.IGNORECASE
)
COMMITTEE_MEMBERS = re.compile(r"medlemmer(?:ne)? af (?P<name>[A-ZÆØÅ][\wæøå-]*udvalget)")


def ministry_name(office: str) -> str:
    """``Beskæftigelsesministeren`` / ``beskæftigelsesminister`` -> ``Beskæftigelsesministeriet``;
    a known ministry's name as it writes it, however OCR read it."""
    stem = re.sub(r"(?:en|iet)$", "", office.strip(), flags=re.IGNORECASE)
    # one name however written: "Social- og Boligministeren" is "Social- og boligministeriet"
    name = stem[0].upper() + stem[1:].lower() + "iet"
    return match_ministry(name) or name


def minister_role(office: str) -> str:
    """``Beskæftigelsesministeren`` -> ``beskæftigelsesminister``."""
    return ministry_name(office).removesuffix("iet").lower()


def people(drafts: list[Draft]) -> dict[str, str]:
    """Person name -> role, from "<role> <Name>" in any letter and from signatures."""
    found: dict[str, str] = {}
    for draft in drafts:
        for signature in draft.signatures:
            if signature.role:
                found.setdefault(signature.name, signature.role)
        texts = [draft.body.text] + [c.text for c in draft.lines if c.kind == Kind.PARTY]
        for text in texts:
            for match in PERSON_WITH_ROLE.finditer(text):
                found.setdefault(match.group("name"), match.group("role").lower())
    return found


def municipality_match(name: str) -> NameMatch | None:
    """The municipality ``name`` denotes: a bare name as written, ``<name> Kommune``
    also through OCR slips."""
    if re.search(r"\sKommunes?$", name):
        return match_municipality(name)
    found = find_municipality(name)
    return NameMatch(found, 1.0) if found else None


def municipality_code(name: str) -> str | None:
    found = municipality_match(name)
    return found.municipality.code if found else None


def canonical(code: str) -> str:
    """``"259"`` -> ``"Køge Kommune"``."""
    found = municipality_by_code(code)
    return f"{found.name} Kommune" if found else code


def named_municipalities(text: str) -> list[NameMatch]:
    """The municipalities named in ``text``, in order of first mention."""
    found: dict[str, NameMatch] = {}
    for match, _, _ in find_municipalities(text):
        found.setdefault(match.municipality.code, match)
    return list(found.values())


def _most_named(draft: Draft) -> NameMatch | None:
    matches = [m for m, _, _ in find_municipalities(draft.body.text)]
    counts = Counter(m.municipality.code for m in matches)
    if not counts:
        return None
    code = counts.most_common(1)[0][0]
    return max((m for m in matches if m.municipality.code == code), key=lambda m: m.score)


def ministry_letterhead(draft: Draft) -> Classified | None:
    """A ministry line with no person, just above an address (OCR may break the address
    line): the sender's letterhead, not an addressee."""
    lines = [c for c in draft.lines if c.kind not in (Kind.BLANK, Kind.STAMP)]
    for index, item in enumerate(lines[:-1]):
        office = read_office(item.text)
        below = next((c.kind for c in lines[index + 1 : index + 4] if c.kind != Kind.TEXT), None)
        if office and not office.person and not office.addressed and below == Kind.CONTACT:
            return item
    return None


def concerned_municipality(draft: Draft) -> NameMatch | None:
    """The municipality a letter is about: its subject's, a letterhead's, else the most named."""
    if draft.subject and (named := named_municipalities(draft.subject)):
        return named[0]
    for item in draft.party_lines():
        if item.text.endswith("Kommune") and (found := municipality_match(item.text)):
            return found
    return _most_named(draft)


def assign(
    source: SourceText, draft: Draft, known: dict[str, str]
) -> tuple[Party | None, list[Party], list[Party], NameMatch | None]:
    """Sender, recipients, signatories and the municipality the letter concerns (with how
    closely its name matched)."""
    head = ministry_letterhead(draft)
    roles = [s.role or known.get(s.name) for s in draft.signatures]
    if head is not None or any(r and "minister" in r for r in roles):
        return _from_ministry(source, draft, head, known)
    return _from_municipality(draft, known)


def _from_ministry(
    source: SourceText, draft: Draft, head: Classified | None, known: dict[str, str]
) -> tuple[Party, list[Party], list[Party], NameMatch | None]:
    head_office = read_office(head.text) if head else None
    office = (
        head_office.office
        if head_office
        else next(
            (r for s in draft.signatures if (r := s.role or known.get(s.name, "")) and "minister" in r),
            "minister",
        )
    )
    signature = draft.signatures[0] if draft.signatures else None
    at = signature.span if signature else source.strip_span(head.line.span) if head else draft.span
    sender = Party(
        Side.MINISTRY,
        ministry_name(office),
        at,
        person=signature.name if signature else None,
        role=minister_role(office),
    )
    signatories = [
        Party(
            Side.MINISTRY,
            sender.organisation,
            s.span,
            person=s.name,
            role=s.role or known.get(s.name) or sender.role,
        )
        for s in draft.signatures
    ]
    committee = _committee(draft)
    if committee is not None:
        return sender, [committee], signatories, None
    concerned = concerned_municipality(draft)
    if concerned is None:
        return sender, [], signatories, None
    code = concerned.municipality.code
    recipients = []
    roles: list[tuple[str | None, Span]] = [*_addressed_roles(source, draft)] or [(None, draft.span)]
    for role, where in roles:
        holder = _holder(role, draft)
        recipients.append(
            Party(
                Side.MUNICIPALITY,
                canonical(code),
                where,
                municipality_code=code,
                role=role,
                person=holder[0] if holder else None,
                person_span=holder[1] if holder else None,
            )
        )
    return sender, recipients, signatories, concerned


def _committee(draft: Draft) -> Party | None:
    for item in draft.letterhead():
        if (match := COMMITTEE.match(item.text)) is not None:
            return Party(Side.PARLIAMENT, match.group("name"), item.line.span)
    if draft.salutation and (match := COMMITTEE_MEMBERS.search(draft.salutation)):
        assert draft.salutation_span is not None
        return Party(Side.PARLIAMENT, match.group("name"), draft.salutation_span)
    return None


def _addressed_roles(source: SourceText, draft: Draft) -> list[tuple[str, Span]]:
    """The office holders a letter is addressed to, in the order written, each with the
    span of its own word (``Til borgmester, beskæftigelsesudvalgsformand og jobcenterchef``)."""
    for item in draft.lines:
        if item.kind in (Kind.PARTY, Kind.TEXT) and ROLE_LIST.match(item.text):
            return [
                (m.group(0).lower(), _in_line(source, item, m.group(0), m.start()))
                for m in re.finditer(rf"\b{ROLE_WORD}\b", item.line.text)
            ]
    return []


def _in_line(source: SourceText, item: Classified, text: str, at: int) -> Span:
    return source.strip_span(Span(item.line.span.start + at, item.line.span.start + at + len(text)))


def _holder(role: str | None, draft: Draft) -> tuple[str, Span] | None:
    """The person a letter names as holding ``role`` in the municipality (``borgmester X``),
    with the span of the name."""
    if role is None:
        return None
    for match in PERSON_WITH_ROLE.finditer(draft.body.text):
        if match.group("role").lower() == role:
            return match.group("name"), draft.body.span(*match.span("name"))
    return None


def _from_municipality(
    draft: Draft, known: dict[str, str]
) -> tuple[Party | None, list[Party], list[Party], NameMatch | None]:
    found = municipality_match(draft.signature_unit[1]) if draft.signature_unit else None
    found = found or concerned_municipality(draft)
    code = found.municipality.code if found else None
    unit = draft.signature_unit[0] if draft.signature_unit else None
    if unit is None:
        unit = next((c.text for c in draft.letterhead() + draft.party_lines() if UNIT.match(c.text)), None)
    signature = draft.signatures[0] if draft.signatures else None
    organisation = canonical(code) if code else None
    sender = Party(
        Side.MUNICIPALITY,
        organisation,
        signature.span if signature else draft.span,
        unit=unit,
        municipality_code=code,
        person=signature.name if signature else None,
        role=(signature.role or known.get(signature.name)) if signature else None,
    )
    signatories = [
        Party(
            Side.MUNICIPALITY,
            organisation,
            s.span,
            unit=unit,
            municipality_code=code,
            person=s.name,
            role=s.role or known.get(s.name),
        )
        for s in draft.signatures
    ]
    return sender, [_minister(draft, known)], signatories, found


def _minister(draft: Draft, known: dict[str, str]) -> Party:
    """The minister addressed: a ``[Til] <x>minister <Name>`` line, else one named in the text."""
    ministry = next(
        (
            o
            for c in draft.letterhead()
            if (o := read_office(c.text)) and not o.person and o.office.endswith("iet")
        ),
        None,
    )
    for item in draft.lines:
        office = read_office(item.text) if item.kind == Kind.PARTY else None
        if office and office.person:
            return Party(
                Side.MINISTRY,
                ministry_name((ministry or office).office),
                item.line.span,
                person=office.person,
                role=minister_role(office.office),
            )
    for match in PERSON_WITH_ROLE.finditer(draft.body.text):
        if "minister" in match.group("role").lower():
            return Party(
                Side.MINISTRY,
                ministry_name(match.group("role")),
                draft.body.span(match.start(), match.end()),
                person=match.group("name"),
                role=match.group("role").lower(),
            )
    return Party(Side.MINISTRY, None, draft.span)
