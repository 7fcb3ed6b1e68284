"""The skillshare engine and the skillshared daemon."""

__version__ = "0.2.0"
