"""A validation rule: a number written in the document where a Float goes must be finite.

graphql-core reads a Float literal with ``float()``, so ``1e400`` (or 400 nines) became
infinity and went into SPARQL as ``"inf"^^xsd:double``, which is no valid literal and
silently matched nothing. A variable holding such a number is refused by graphql-core
already (JSON's ``1e400`` is read as infinity); a literal, or a variable's default value,
is refused here in the same words.
"""

from __future__ import annotations

import math
from typing import Any

from graphql import FloatValueNode, GraphQLError, IntValueNode, ValidationRule, get_named_type

BAD_USER_INPUT = "BAD_USER_INPUT"


class FiniteFloatsRule(ValidationRule):
    """Refuses a Float literal beyond the range of a double (``BAD_USER_INPUT``)."""

    def enter_float_value(self, node: FloatValueNode, *_args: Any) -> None:
        self._check(node)

    def enter_int_value(self, node: IntValueNode, *_args: Any) -> None:
        self._check(node)

    def _check(self, node: FloatValueNode | IntValueNode) -> None:
        named = get_named_type(self.context.get_input_type())
        if getattr(named, "name", None) == "Float" and not math.isfinite(float(node.value)):
            written = node.value if len(node.value) <= 20 else f"{node.value[:10]}… ({len(node.value)} chars)"
            self.report_error(
                GraphQLError(
                    f"Float cannot represent {written}: beyond a double's range",
                    node,
                    extensions={"code": BAD_USER_INPUT},
                )
            )
