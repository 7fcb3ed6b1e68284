"""The ``skillshare`` command line: a thin client of the skillshared engine and daemon."""

__version__ = "0.1.0"
