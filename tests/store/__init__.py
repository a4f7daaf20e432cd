"""The stores (beskgraph.store): embedded and remote (oxigraph serve, Virtuoso), generations, isolated query processes."""
