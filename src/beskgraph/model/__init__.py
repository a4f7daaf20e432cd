"""Typed records the parsers produce: plain data with source spans, no RDF."""
