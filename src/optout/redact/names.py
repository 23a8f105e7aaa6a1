"""Shipped name lists and the choice of a natural surrogate name for a person key."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from itertools import islice
from typing import NamedTuple

from optout.redact.fold import fold_pattern

LANGUAGES = ("de", "fr", "es", "it", "nl", "pl", "pt", "sv", "en")
DEFAULT_LANGUAGE = "en"
COUNTRY_LANGUAGE = {
    "DE": "de", "AT": "de", "LI": "de", "LU": "fr", "FR": "fr", "BE": "fr", "MC": "fr",
    "ES": "es", "IT": "it", "SM": "it", "NL": "nl", "PL": "pl", "PT": "pt", "SE": "sv",
    "GB": "en", "UK": "en", "IE": "en", "MT": "en", "CH": "de",
}
_MAX_TRIES = 64


class NameList(NamedTuple):
    """First names and surnames of one language."""

    first: tuple[str, ...]
    last: tuple[str, ...]


class PersonSurrogate(NamedTuple):
    """A surrogate full name and the @handle derived from it (without the ``@``)."""

    name: str
    handle: str


@cache
def name_list(lang: str) -> NameList:
    """The shipped list for ``lang`` (``names_<lang>.txt``), English when there is none."""
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    text = resources.files("optout.redact.data").joinpath(f"names_{lang}.txt").read_text("utf-8")
    sections: dict[str, list[str]] = {"first": [], "last": []}
    current = "first"
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = line.strip("[]")
            continue
        sections[current].append(line)
    return NameList(tuple(sections["first"]), tuple(sections["last"]))


def all_list_names() -> frozenset[str]:
    """Every first name and surname of every list, case-folded."""
    words: set[str] = set()
    for lang in LANGUAGES:
        names = name_list(lang)
        words.update(n.casefold() for n in names.first + names.last)
    return frozenset(words)


def language_of_country(country: str | None) -> str:
    """The surrogate-name language for a person living in ``country``."""
    return COUNTRY_LANGUAGE.get((country or "").upper(), DEFAULT_LANGUAGE)


@cache
def _folded(word: str) -> str:
    return fold_pattern(word)


def _ascii_handle(folded_name: str) -> str:
    return folded_name.replace(" ", "_").encode("ascii", "ignore").decode()


def choose_surrogate(
    digests: Iterable[int], lang: str, blocked: frozenset[str] | set[str]
) -> PersonSurrogate:
    """Pick the first name pair from ``digests`` whose name and handle are not ``blocked``."""
    names = name_list(lang)
    for digest in islice(digests, _MAX_TRIES):
        first = names.first[digest % len(names.first)]
        last = names.last[(digest // len(names.first)) % len(names.last)]
        folded = f"{_folded(first)} {_folded(last)}"
        if folded in blocked:
            continue
        name = f"{first} {last}"
        handle = _ascii_handle(folded)
        if handle in blocked:
            handle = f"{handle}{digest % 97}"
        if handle not in blocked:
            return PersonSurrogate(name, handle)
    raise RuntimeError("no surrogate name left that is not in the directory")
