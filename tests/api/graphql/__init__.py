"""GraphQL (beskgraph.api.graphql): the contract, queries, limits, attacks, clients."""
