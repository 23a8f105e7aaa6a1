"""One small detector class per kind of personal data, and the registry that builds them."""

from __future__ import annotations

from collections.abc import Callable

from optout.redact.detectors.address import AddressDetector
from optout.redact.detectors.birth_date import DateOfBirthDetector
from optout.redact.detectors.card import CardDetector
from optout.redact.detectors.email import EmailDetector
from optout.redact.detectors.iban import IbanDetector
from optout.redact.detectors.ip import IpDetector
from optout.redact.detectors.national_id import NationalIdDetector
from optout.redact.detectors.phone import PhoneDetector
from optout.redact.detectors.plate import LicencePlateDetector
from optout.redact.detectors.profile_url import ProfileUrlDetector
from optout.redact.spans import Detector

# the direct identifiers, and the quasi-identifiers people post about themselves
DIRECT_LABELS = ("email", "phone", "iban", "card", "ip", "national_id", "url")
QUASI_LABELS = ("address", "date_of_birth", "licence_plate")
PII_LABELS = frozenset(DIRECT_LABELS + QUASI_LABELS)
# detector order breaks ties between equally long spans: the more specific kind first (a
# 15-digit French NIR, mod 97, that also passes Luhn is a national ID, not a card)
DETECTOR_ORDER = ("email", "url", "iban", "national_id", "card", "ip", "date_of_birth",
                  "licence_plate", "address", "phone")


def build_detectors(pii: frozenset[str], platform_urls: tuple[str, ...] = ()) -> list[Detector]:
    """The structured-data detectors for the kinds in ``pii``, in tie-breaking order."""
    makers: dict[str, Callable[[], Detector]] = {
        "email": EmailDetector, "phone": PhoneDetector, "iban": IbanDetector,
        "card": CardDetector, "ip": IpDetector, "national_id": NationalIdDetector,
        "url": lambda: ProfileUrlDetector(platform_urls), "address": AddressDetector,
        "date_of_birth": DateOfBirthDetector, "licence_plate": LicencePlateDetector,
    }
    return [makers[label]() for label in DETECTOR_ORDER if label in pii]


__all__ = [
    "DETECTOR_ORDER",
    "DIRECT_LABELS",
    "PII_LABELS",
    "QUASI_LABELS",
    "AddressDetector",
    "CardDetector",
    "DateOfBirthDetector",
    "EmailDetector",
    "IbanDetector",
    "IpDetector",
    "LicencePlateDetector",
    "NationalIdDetector",
    "PhoneDetector",
    "ProfileUrlDetector",
    "build_detectors",
]
