"""Reading a query (beskgraph.query) before any engine sees it."""
