"""The sample generator: a realistic, seeded platform export with gold spans and face boxes."""

from optout.corpus.sample.generate import DEFAULT_REFERENCE_DATE, Summary, generate_sample

__all__ = ["DEFAULT_REFERENCE_DATE", "Summary", "generate_sample"]
