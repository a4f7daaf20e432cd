"""The vocabularies (beskgraph.vocabulary): closed classes and controlled values."""
