"""Redaction: detectors of people and personal data, and their surrogates."""

from optout.redact.people import PeopleDirectory
from optout.redact.redactor import LABELS, RedactedText, RedactionConfig, Redactor
from optout.redact.spans import Detector, Span
from optout.redact.synthetic import PLACEHOLDER, is_surrogate

__all__ = [
    "LABELS",
    "PLACEHOLDER",
    "Detector",
    "PeopleDirectory",
    "RedactedText",
    "RedactionConfig",
    "Redactor",
    "Span",
    "is_surrogate",
]
