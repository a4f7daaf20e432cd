"""Records to RDF: vocabulary, IRI minting and the mapping of each document kind."""
