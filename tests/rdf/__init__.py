"""The RDF mapping (beskgraph.rdf): the built graph's facts, IRIs, spans and provenance."""
