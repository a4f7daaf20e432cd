"""beskgraph: a knowledge graph of Danish employment policy.

The pipeline, one package a step:

    parse   text -> typed records with source spans   (beskgraph.parse)
    rdf     records -> RDF, one named graph a document (beskgraph.rdf)
    validate  SHACL over the result                    (beskgraph.validate)
    store   embedded pyoxigraph or a remote SPARQL 1.1 store (beskgraph.store)
    api     GraphQL, SPARQL Protocol and dumps         (beskgraph.api)
"""

__version__ = "0.1.0"
