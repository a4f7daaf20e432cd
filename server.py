"""Build the beskgraph graph and serve it: ``python server.py [SOURCES…] [options]``, the same
as ``beskgraph serve`` (``python server.py --help`` lists the options)."""

from beskgraph.cli import serve_main

if __name__ == "__main__":
    serve_main()
