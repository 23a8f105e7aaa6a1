"""CLI: optout sample (placeholder until implemented)."""


def sample() -> None:
    """Write a realistic sample export."""
    raise NotImplementedError
