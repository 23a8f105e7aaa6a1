"""Redaction: detectors of people and personal data, and their surrogates."""
