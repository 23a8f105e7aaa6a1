"""One small detector class per kind of personal data."""

from optout.redact.detectors.card import CardDetector
from optout.redact.detectors.email import EmailDetector
from optout.redact.detectors.iban import IbanDetector
from optout.redact.detectors.ip import IpDetector
from optout.redact.detectors.national_id import NationalIdDetector
from optout.redact.detectors.phone import PhoneDetector
from optout.redact.detectors.profile_url import ProfileUrlDetector

__all__ = [
    "CardDetector",
    "EmailDetector",
    "IbanDetector",
    "IpDetector",
    "NationalIdDetector",
    "PhoneDetector",
    "ProfileUrlDetector",
]
