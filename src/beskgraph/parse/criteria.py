"""Matching test answers to shared criteria.

Each answer states a criterion at one threshold ("I mindst 9 ud af 10 samtaler …",
"I færre end 7 ud af 10 samtaler …", "Jobcenteret har ikke en fast praksis …"). The
criterion is what remains once the threshold, the negation and the practice scaffolding
are taken out. Answers whose remainders share most of their content words (Jaccard over
crude stems), and state no different numbers ("hver 2. uge", "hver 4. uge"), are one
criterion; everything else stays apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model.card import Answer, Card, Criterion, CriterionIndex, TestKind
from ..text import normalise

SIMILARITY = 0.6  # Jaccard over stems; measured on the seeds: same criterion >= 0.67, others <= 0.45
STEM_LENGTH = 5

_THRESHOLD = re.compile(r"\b(?:i\s+)?(?:mindst|færre end|under)\s+\d+\s+ud af\s+10\b")
_SCAFFOLD = re.compile(
    r"\b(?:jobcentere?t|jobcentrets?|vi)\s+(?:har\s+)?(?:ikke\s+)?(?:en\s+)?"
    r"(?:fast\s+praksis|faste\s+arbejdsgange)\s*,?\s*(?:der|som)?\s*(?:sikrer)?\s*,?\s*(?:at)?"
)
_STOPWORDS = frozenset(
    "at af alle altid den der det de deres du efter eller en er et for fra har hver i ikke "
    "inden med men og om på samt sig sikrer sin skal som til ved vi vil være".split()
)


def criterion_key(text: str) -> str:
    """The answer's wording without threshold and scaffolding, lower-cased and normalised."""
    key = normalise(text).lower()
    key = re.sub(r"(?<=[a-zæøå])-(?=[a-zæøå])", "", key)  # "arbejds-markedsbalancen"
    key = _SCAFFOLD.sub(" ", key)
    key = _THRESHOLD.sub(" ", key)
    key = re.sub(r"[^\wæøå/ ]+", " ", key)
    return re.sub(r"\s+", " ", key).strip()


def stems(key: str) -> frozenset[str]:
    words = re.findall(r"[a-zæøå0-9]+", key)
    return frozenset(w[:STEM_LENGTH] for w in words if w not in _STOPWORDS and len(w) > 1)


# a quantity of time a criterion names ("hver 2. uge", "inden for 6 uger", "30 minutter"); a
# threshold, however put ("9 ud af 10", "9/10", "90 %", "mindst 3 dage"), is no such quantity
_QUANTITY = re.compile(r"\b(\d+)\s+(?:uger?|dage?|døgn|måned(?:er)?|timer?|minut(?:ter)?|år)\b")
_THRESHOLD_BEFORE = re.compile(r"(?:mindst|færre end|under|over|højst|mere end|mindre end|maks\w*)\s+$")


def numbers(key: str) -> frozenset[str]:
    """The quantities of time a wording names: "samtaler hver 2. uge" and "hver 4. uge" share
    every word but one, yet are two criteria."""
    return frozenset(
        m.group(1)
        for m in _QUANTITY.finditer(key)
        if not _THRESHOLD_BEFORE.search(key, max(0, m.start() - 12), m.start())
    )


def may_be_one(a: str, b: str) -> bool:
    """Whether two wordings may state one criterion: not if both name quantities of time and
    none is the same (one that names none may write it in words: "6 uger", "seks uger"; "14
    dage" and "2 uger" are told apart, a known limit)."""
    ours, theirs = numbers(a), numbers(b)
    return not (ours and theirs and ours.isdisjoint(theirs))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


@dataclass
class CriterionCluster:
    """One criterion: its kind, the keys of the wordings matched to it, a representative."""

    kind: str
    keys: list[str] = field(default_factory=list)
    stems: frozenset[str] = frozenset()
    wordings: set[tuple[int, str]] = field(default_factory=set)  # (rank of answer, text)

    def add_wording(self, answer_rank: int, text: str) -> None:
        """Record an answer's wording; rank 0 = Ja, 1 = Delvist, 2 = Nej."""
        self.wordings.add((answer_rank, text))

    @property
    def statement(self) -> str:
        """A neutral statement: the most positive wording, its threshold left open."""
        if not self.wordings:
            return self.representative
        _, text = min(self.wordings)
        return neutral_statement(text)

    @property
    def representative(self) -> str:
        """The first key in sorted order: stable whatever order documents come in."""
        return min(self.keys)


def cluster_criteria(answers: Iterable[tuple[str, str]]) -> dict[tuple[str, str], CriterionCluster]:
    """Group ``(kind, key)`` pairs into criteria; returns each pair's cluster.

    Deterministic: pairs are visited in sorted order and join the most similar cluster
    of their kind whose every member is similar enough (complete linkage), so a chain of
    near-matches cannot merge two criteria that differ.
    """
    clusters: list[CriterionCluster] = []
    member_stems: dict[str, frozenset[str]] = {}
    result: dict[tuple[str, str], CriterionCluster] = {}
    for kind, key in sorted(set(answers)):
        own = member_stems.setdefault(key, stems(key))
        best, best_score = None, 0.0
        for cluster in clusters:
            if cluster.kind != kind or not all(may_be_one(key, k) for k in cluster.keys):
                continue
            score = min(similarity(own, member_stems[k]) for k in cluster.keys)
            if score >= SIMILARITY and score > best_score:
                best, best_score = cluster, score
        if best is None:
            best = CriterionCluster(kind)
            clusters.append(best)
        best.keys.append(key)
        best.stems = best.stems | own
        result[(kind, key)] = best
    return result


def match_criteria(cards: Iterable[Card]) -> CriterionIndex:
    """Match every answer on every card into shared criteria (corpus-wide); each criterion's
    statement is its most positive wording, the threshold left open."""
    answers = [(test.kind, a) for card in cards for test in card.tests for a in test.assessments]
    clusters = cluster_criteria((kind.value, a.criterion_key) for kind, a in answers)
    ranks = list(Answer)  # most positive first
    for kind, a in answers:
        clusters[(kind.value, a.criterion_key)].add_wording(ranks.index(a.answer), a.text)
    return {
        (TestKind.from_value(kind), key): Criterion(
            TestKind.from_value(kind), cluster.representative, cluster.statement
        )
        for (kind, key), cluster in clusters.items()
    }


def neutral_statement(text: str) -> str:
    """``"I mindst 9 ud af 10 samtaler er …"`` -> ``"I x ud af 10 samtaler er …"``."""
    text = re.sub(r"\b(mindst|færre end|under)\s+\d+\s+ud af\s+10\b", "x ud af 10", text, flags=re.IGNORECASE)
    text = re.sub(r"\b[Ff]ærre end x\b", "x", text)
    text = re.sub(r"\bhar ikke (en fast|faste)\b", r"har \1", text)
    return text[0].upper() + text[1:] if text else text
