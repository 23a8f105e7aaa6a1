"""optout: build AI training datasets from public posts that honour every objection."""

__version__ = "0.1.0"
