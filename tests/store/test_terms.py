"""The values ``Store.select`` gives, and reading numbers from them."""

from __future__ import annotations

import datetime as dt

import pytest

from beskgraph.store import StoreError, as_float, as_int
from beskgraph.store.terms import binding_value, literal_value
from beskgraph.vocabulary import XSD


@pytest.mark.parametrize(
    ("lexical", "datatype", "value"),
    [
        ("42", XSD.integer, 42),
        ("42", XSD.unsignedByte, 42),
        ("4.5", XSD.decimal, 4.5),
        ("true", XSD.boolean, True),
        ("2018-08-31", XSD.date, dt.date(2018, 8, 31)),
        ("2018-08-31T12:00:00+02:00", XSD.dateTime, dt.datetime.fromisoformat("2018-08-31T12:00:00+02:00")),
        ("fyrre", XSD.integer, "fyrre"),  # not a valid integer: its text
        ("Middelfart", None, "Middelfart"),
    ],
)
def test_a_literal_is_given_as_its_python_value_or_its_text(
    lexical: str, datatype: str | None, value: object
) -> None:
    assert literal_value(lexical, str(datatype) if datatype else None) == value
    binding = {"type": "literal", "value": lexical} | ({"datatype": str(datatype)} if datatype else {})
    assert binding_value(binding) == value


def test_counts_read_from_a_store_are_numbers_whatever_the_store_gave() -> None:
    assert [as_int(v) for v in (7, "7", 7.0, True)] == [7, 7, 7, 1]
    assert [as_float(v) for v in (4.5, "4.5", 4)] == [4.5, 4.5, 4.0]
    # anything else is the store's fault (a 502 from the API, not a 500)
    with pytest.raises(StoreError, match="the store answered '2018-08-31' where a number belongs"):
        as_int(dt.date(2018, 8, 31))
    with pytest.raises(StoreError, match="answered '2018-08-31T12:00:00' where"):
        as_float(dt.datetime(2018, 8, 31, 12))
    with pytest.raises(StoreError, match="answered 'fyrre' where"):
        as_int("fyrre")
