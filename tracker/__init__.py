"""tracker: who claimed what, who denied it, and where it was reported."""

__version__ = "0.1.0"
