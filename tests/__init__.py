"""beskgraph's tests, laid out like the package (``tests/parse/`` tests ``beskgraph.parse`` …)."""
