"""Languages: the gettext catalogues, Accept-Language negotiation, translated helpers."""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pl", "pt")
AUTONYMS = {
    "en": "English", "de": "Deutsch", "fr": "Français", "es": "Español", "it": "Italiano",
    "nl": "Nederlands", "pl": "Polski", "pt": "Português",
}  # fmt: skip
COUNTRY_LANGUAGE = {
    "AT": "de", "DE": "de", "LI": "de", "LU": "fr", "FR": "fr", "BE": "fr", "ES": "es",
    "IT": "it", "NL": "nl", "PL": "pl", "PT": "pt",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Language:
    """One language's translation functions and locale data."""

    code: str
    translations: gettext.NullTranslations

    def gettext(self, message: str, **values: object) -> str:
        """The translated message, with ``%(name)s`` placeholders filled from ``values``."""
        text = self.translations.gettext(message)
        return text % values if values else text

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.code)

    def country_name(self, code: str) -> str:
        return self.locale.territories.get(code, code)


@cache
def language(code: str) -> Language:
    """The Language for a supported code (English for anything else)."""
    code = code if code in LANGUAGES else DEFAULT_LANGUAGE
    if code == DEFAULT_LANGUAGE:
        return Language(code, gettext.NullTranslations())
    translations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=False)
    return Language(code, translations)


def negotiate(accept_language: str | None) -> str:
    """The best supported language for an Accept-Language header (English by default)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = _quality(params)
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, index, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def _quality(params: str) -> float:
    params = params.strip()
    if not params.startswith("q="):
        return 1.0
    try:
        return float(params[2:])
    except ValueError:
        return 0.0


def language_for_country(country: str | None) -> str:
    """The language a notice to someone living in ``country`` is written in."""
    return COUNTRY_LANGUAGE.get((country or "").upper(), DEFAULT_LANGUAGE)


def po_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalogues(write: bool = True) -> dict[str, bytes]:
    """Compile every .po source to its .mo (written next to it unless ``write`` is False)."""
    compiled = {}
    for code in LANGUAGES[1:]:
        source = po_path(code)
        with source.open("rb") as handle:
            catalog = read_po(handle, locale=code)
        mo = source.with_suffix(".mo")
        with io.BytesIO() as buffer:
            write_mo(buffer, catalog, use_fuzzy=False)
            compiled[code] = buffer.getvalue()
        if write:
            mo.write_bytes(compiled[code])
    return compiled


if __name__ == "__main__":
    compile_catalogues()
