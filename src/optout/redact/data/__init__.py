"""Data files that ship with optout's redaction: surrogate name lists."""
