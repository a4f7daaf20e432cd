"""Controlled values: enumerations whose members carry the ontology term that names them.

``TestKind.EVIDENCE.value`` is the slug the project writes in IRIs and files
(``"evidence"``), ``TestKind.EVIDENCE.iri`` the term (``bg:EvidenceTest``), and
``TestKind.EVIDENCE.name`` the name the APIs show (``EVIDENCE``, the concept's
``skos:notation``). The RDF mapping writes ``.iri``; the shapes' ``sh:in`` lists and the
ontology's concept schemes are checked against the members by the tests, so a new value
is added here and in the ontology, and the tests name whatever else must follow.
"""

from __future__ import annotations

from enum import Enum
from typing import Self, TypeVar

from rdflib.term import URIRef


class Controlled(str, Enum):
    """A controlled value: ``value`` its slug, ``iri`` its term (see the module)."""

    iri: URIRef

    def __new__(cls, value: str, iri: URIRef) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.iri = iri
        return member

    @classmethod
    def from_iri(cls, iri: str) -> Self:
        """The member named by ``iri``; ValueError for any other IRI."""
        for member in cls:
            if member.iri == URIRef(iri):
                return member
        raise ValueError(f"{iri} is not a {cls.__name__}")

    @classmethod
    def from_value(cls, value: str) -> Self:
        """The member whose value is ``value``; ValueError for any other (as ``cls(value)``,
        which type checkers read as a call of ``__new__``)."""
        return by_value(cls, value)

    @classmethod
    def iris(cls) -> tuple[URIRef, ...]:
        """The members' terms, in the members' order."""
        return tuple(member.iri for member in cls)


E = TypeVar("E", bound=Enum)


def by_value(enum: type[E], value: object) -> E:
    """The member of ``enum`` whose value is ``value``; ValueError for none."""
    for member in enum:
        if member.value == value:
            return member
    raise ValueError(f"{value!r} is not a valid {enum.__name__}")
