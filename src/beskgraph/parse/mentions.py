"""Entities a letter names: municipalities (by kommunekode), organisations, IT systems;
and the legal citations in its text."""

from __future__ import annotations

import re

from ..model.correspondence import LegalCitation, Letter, Mention, MentionKind
from ..reference import find_municipalities
from .citations import find_citations
from .coverage import Coverage
from .letter_parts import Draft
from .parties import canonical

# Organisation names by their form: (pattern, canonical label or None for the match itself).
ORGANISATIONS: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (re.compile(r"\bStyrelsen\s+for\s+[A-ZÆØÅ][\wæøå]+(?:\s+(?:og|for)\s+[A-ZÆØÅ][\wæøå]+)*"), None),
    (re.compile(r"\b[A-ZÆØÅ][\wæøå]+\s+Erhverv\s+[A-ZÆØÅ][\wæøå]+"), None),
    (re.compile(r"\b[Ee]rhvervshus(?:et)?\s+[A-ZÆØÅ0-9][\wæøå]*"), None),
    (re.compile(r"\b[Aa]-kass(?:e|en|er|erne)\b"), "a-kasse"),
    (re.compile(r"\bDanmarks Statistik\b"), None),
    (re.compile(r"\bJobcent(?:er|ret)\s+[A-ZÆØÅ][\wæøå-]+"), None),
    (re.compile(r"\b[A-ZÆØÅ][\wæøå]*(?:- og [A-ZÆØÅ][\wæøå]*)?udvalget\b"), None),
    (re.compile(r"\b[A-ZÆØÅ][\wæøå]+ministeriet\b"), None),
    (re.compile(r"\bKL\b"), "KL"),
)
# IT systems of Danish employment services: surface pattern -> name.
IT_SYSTEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"\b(?:Schultz\s+)?Fasit\b", "Fasit"),
        (r"\bWorkbase\b", "Workbase"),
        (r"\bJobindsats(?:\.dk)?\b", "Jobindsats"),
        (r"\bJobnet\b", "Jobnet"),
        (r"\bJoblog\b", "Joblog"),
        (r"\bMin Plan\b", "Min Plan"),
        (r"\bMomentum\b", "Momentum"),
        (r"\bKMD Opera\b", "KMD Opera"),
    )
)


def _first_letter_upper(label: str) -> str:
    return label[0].upper() + label[1:]


def find_mentions(written: list[tuple[Letter, Draft]]) -> list[Mention]:
    """The first mention of each entity in each letter (subject and text), in text order."""
    out: list[Mention] = []
    for letter, draft in written:
        found: dict[tuple[MentionKind, str], Mention] = {}
        text = draft.body.text
        organisations: list[tuple[int, int]] = []
        for pattern, label in ORGANISATIONS:
            for match in pattern.finditer(text):
                name = label or re.sub(r"\s+", " ", match.group(0))
                organisations.append(match.span())
                _add(found, letter, draft, MentionKind.ORGANISATION, _first_letter_upper(name), match)
        for pattern, name in IT_SYSTEMS:
            for match in pattern.finditer(text):
                _add(found, letter, draft, MentionKind.IT_SYSTEM, name, match)
        inside = Coverage(organisations).encloses
        for named, start, end in find_municipalities(text):
            code = named.municipality.code
            if not inside(start, end) and (MentionKind.MUNICIPALITY, canonical(code)) not in found:
                found[(MentionKind.MUNICIPALITY, canonical(code))] = Mention(
                    letter.key,
                    MentionKind.MUNICIPALITY,
                    canonical(code),
                    text[start:end],
                    draft.body.span(start, end),
                    code,
                    named.score,
                )
        out.extend(sorted(found.values(), key=lambda m: m.span.start))
    return out


def _add(
    found: dict[tuple[MentionKind, str], Mention],
    letter: Letter,
    draft: Draft,
    kind: MentionKind,
    label: str,
    match: re.Match[str],
) -> None:
    if (kind, label) not in found:
        found[(kind, label)] = Mention(
            letter.key, kind, label, match.group(0), draft.body.span(match.start(), match.end())
        )


def find_citations_in(written: list[tuple[Letter, Draft]]) -> list[LegalCitation]:
    """Legal citations in each letter's text, spans mapped back to the source."""
    out: list[LegalCitation] = []
    for letter, draft in written:
        for citation in find_citations(draft.body.text, letter=letter.key):
            span = draft.body.span(citation.span.start, citation.span.end)
            out.append(LegalCitation(**{**citation.__dict__, "span": span}))
    return out
