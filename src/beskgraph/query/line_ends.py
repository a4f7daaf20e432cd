"""Line ends made one: CR LF and a lone CR become LF, over the whole (escape-decoded) query.

Readers disagree on CR: SPARQL and pyoxigraph end a comment at CR as well as LF, rdflib
only at LF, so text after ``# ... CR`` was a comment to the check and a query to the
engine. Where SPARQL allows CR, LF means the same:

- as white space (``WS`` is space, tab, CR or LF): the same;
- ending a comment: the same (the comment ends there either way);
- in a long string literal (the only other place a raw CR may stand): the string's
  value changes, CR LF or CR becoming LF. This is the price of one reading, and the
  usual one (XML and HTTP bodies of text treat line ends alike); a client that needs a
  CR in a value writes the escape ``\\r``, which is not touched.

The change needs no reading of the query (no lexer, no quotes to track), so no reader
can see it differently; it runs after escapes are decoded (``\\u000D`` is a CR too).
"""

from __future__ import annotations


def normalise_line_ends(text: str) -> str:
    """``text`` with CR LF and lone CR replaced by LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
