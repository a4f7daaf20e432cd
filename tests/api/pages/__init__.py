"""The pages for people (beskgraph.api.pages)."""
