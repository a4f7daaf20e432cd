"""HTTP API: SPARQL 1.1 endpoint, dumps, dataset description and health (Starlette).

Entry points: ``beskgraph.api.app.create_app`` and ``beskgraph.api.serve.serve``.
"""
