"""The build (beskgraph.build): determinism, incremental rebuilds, quarantine, encodings, its workers, the command line."""
