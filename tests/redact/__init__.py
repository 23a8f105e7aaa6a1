"""Tests of optout.redact."""
