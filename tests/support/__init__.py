"""Helpers shared by the test suites: paths, servers, processes, stores and clients."""
