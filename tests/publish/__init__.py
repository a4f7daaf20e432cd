"""What is published: provenance, the served graph against the shapes and a reasoner, export equal to the dumps."""
