"""What is derived from the graph: the search index (beskgraph.search) and the aggregates (beskgraph.aggregates)."""
