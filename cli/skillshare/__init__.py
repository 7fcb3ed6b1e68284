"""The ``skillshare`` command line: a thin client of the skillshared engine and daemon."""

from skillshared import __version__

__all__ = ["__version__"]
