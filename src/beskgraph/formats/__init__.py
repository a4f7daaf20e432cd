"""Formats of the graph and of query answers: one table (:mod:`.table`), the formats an
answer may take (:mod:`.answers`), and one deterministic writer (:mod:`.writer`)."""
