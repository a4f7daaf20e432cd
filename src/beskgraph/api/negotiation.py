"""HTTP content negotiation: which of the formats on offer an ``Accept`` header asks for.

The stores take a concrete format; the API chooses it here, from the table of formats
(:mod:`beskgraph.formats`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, TypeVar

from beskgraph.formats.accept import parse_accept, refuses
from beskgraph.formats.answers import AnswerFormats
from beskgraph.formats.table import BOOLEAN_ANSWERS, GRAPH_ANSWERS, SOLUTIONS_ANSWERS, Format
from beskgraph.store.errors import NotAcceptable

# Media types clients send for the formats offered under another name.
ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "text/plain": "application/n-triples",
    "application/x-turtle": "text/turtle",
    "application/turtle": "text/turtle",
}


class Offer(Protocol):
    @property
    def media_type(self) -> str: ...


OfferT = TypeVar("OfferT", bound=Offer)


def acceptable(
    accept: str | None, offers: Sequence[OfferT], aliases: Mapping[str, str] = ALIASES
) -> OfferT | None:
    """The first offer (in the server's order of preference) the Accept header allows;
    ``aliases``: media types clients send for an offer's."""
    for media, _q in parse_accept(accept):
        media = aliases.get(media, media)
        for offer in offers:
            if media == offer.media_type:
                return offer
            if media in ("*/*", offer.media_type.split("/")[0] + "/*") and not refuses(
                accept, offer.media_type, aliases
            ):
                return offer  # a wildcard, unless a range of its own gives the offer q=0
    return None


def negotiate(accept: str | None, offers: Sequence[Format]) -> Format:
    """Like :func:`acceptable`; NotAcceptable (406) when no offer fits."""
    chosen = acceptable(accept, offers)
    if chosen is None:
        raise NotAcceptable(
            f"none of the requested media types ({accept}) fits; offered: "
            + ", ".join(offer.media_type for offer in offers)
        )
    return chosen


def answer_formats(accept: str | None) -> AnswerFormats:
    """The format of a query's answer for each form of query; NotAcceptable when none fits any."""
    chosen = AnswerFormats(
        acceptable(accept, SOLUTIONS_ANSWERS),
        acceptable(accept, BOOLEAN_ANSWERS),
        acceptable(accept, GRAPH_ANSWERS),
    )
    if chosen == AnswerFormats(None, None, None):
        negotiate(accept, (*SOLUTIONS_ANSWERS, *GRAPH_ANSWERS))
    return chosen
