"""The HTTP API (beskgraph.api): dumps, descriptions, caching, linked data, refusals, store errors."""
