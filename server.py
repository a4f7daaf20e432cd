"""Build the beskgraph graph and serve it: ``python server.py [SOURCES…] [options]``, the same
as ``beskgraph serve`` (``python server.py --help`` lists the options)."""

import signal
import sys

if __name__ == "__main__":
    # a stop while the code is imported (about a second) ends quietly, as one later does
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda _number, _frame: sys.exit(0))

from beskgraph.cli import serve_main  # after the handlers

if __name__ == "__main__":
    serve_main()
