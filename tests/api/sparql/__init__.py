"""The SPARQL endpoint (beskgraph.api.sparql): protocol, limits, conformance, no request reaches outside."""
