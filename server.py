"""Build the beskgraph graph from seeds/ and serve it: ``python server.py [--host H] [--port P]``."""

from beskgraph.launch import main

if __name__ == "__main__":
    main()
