"""The list beskgraph hands pyshacl (``_Members``: ``in`` answered from a set) holds, after any
sequence of list operations, what a plain list holds after the same operations, and answers
``in`` as that list does."""

from __future__ import annotations

import contextlib
import copy

from hypothesis import given
from hypothesis import strategies as st

from beskgraph.validate import _Members

VALUES = range(6)
value = st.sampled_from(VALUES)
index = st.integers(-8, 8)
part = st.builds(slice, st.none() | index, st.none() | index, st.sampled_from([None, 1, 2, -1]))
values = st.lists(value, max_size=4)

# each change: its name and arguments (so a failing example reads as the changes it made)
Change = tuple[str, tuple[object, ...]]
changes: st.SearchStrategy[Change] = st.one_of(
    st.tuples(st.just("append"), st.tuples(value)),
    st.tuples(st.just("insert"), st.tuples(index, value)),
    st.tuples(st.just("extend"), st.tuples(values)),
    st.tuples(st.just("remove"), st.tuples(value)),
    st.tuples(st.just("pop"), st.tuples(index)),
    st.tuples(st.just("[i] ="), st.tuples(index, value)),
    st.tuples(st.just("[a:b:c] ="), st.tuples(part, values)),
    st.tuples(st.just("del"), st.tuples(index | part)),
    st.tuples(st.just("+="), st.tuples(values)),
    st.tuples(st.just("*="), st.tuples(st.integers(-1, 3))),
    st.tuples(st.sampled_from(["sort", "reverse", "clear"]), st.just(())),
)


def make(change: Change, items: list[int]) -> None:
    """Make ``change`` to ``items``; one a plain list refuses is refused alike (and skipped)."""
    name, arguments = change
    with contextlib.suppress(IndexError, ValueError):
        match name, arguments:
            case "extend", (new,):
                items.extend(iter(new))  # an iterator, read once
            case "[i] =", (at, new):
                items[at] = new
            case "[a:b:c] =", (where, new):
                items[where] = new
            case "del", (where,):
                del items[where]
            case "+=", (new,):
                items += new
            case "*=", (times,):
                items *= times
            case _:
                getattr(items, name)(*arguments)


@given(start=values, steps=st.lists(changes, max_size=12))
def test_any_sequence_of_changes_leaves_it_holding_and_answering_as_a_list(
    start: list[int], steps: list[Change]
) -> None:
    members, plain = _Members(start), list(start)
    for change in steps:
        make(change, members)
        make(change, plain)
        assert list(members) == plain
        assert [item in members for item in VALUES] == [item in plain for item in VALUES]
    assert type(members) is _Members  # += and *= keep it the list pyshacl was given
    for copied in (members.copy(), copy.copy(members)):
        copied.append(5)
        assert 5 in copied and list(copied) == [*plain, 5]
        assert (5 in members) == (5 in plain)
