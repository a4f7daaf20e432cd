"""``python server.py`` / ``beskgraph serve`` as a process: options, launch, workers, lifetime."""
