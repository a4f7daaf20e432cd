"""Validation (beskgraph.validate): the SHACL shapes pass the seeds and reject corruptions."""
