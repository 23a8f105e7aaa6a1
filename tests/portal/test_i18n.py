"""Catalogues: complete, translated, compiled, and covering every message the code uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from optout.portal.forms import ERRORS
from optout.portal.i18n import LANGUAGES, compile_catalogues, language, negotiate, po_path

SRC = Path(__file__).resolve().parents[2] / "src" / "optout"
# Translations that are deliberately the same as the English source.
SAME_AS_ENGLISH = {("de", "Status"), ("nl", "Status"), ("pl", "Status"), ("es", "Error:")}
METHODS = [
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
    ("**/templates/**.txt", "jinja2.ext:babel_extract"),
]


def used_messages() -> set[str]:
    found = set(ERRORS.values())
    for package in ("portal", "mail"):
        for _f, _l, message, _c, _ctx in extract_from_dir(SRC / package, method_map=METHODS):
            found.add(message[0] if isinstance(message, tuple) else message)
    return {m for m in found if m}


def catalogue(code: str):  # type: ignore[no-untyped-def]
    with po_path(code).open("rb") as handle:
        return read_po(handle, locale=code)


@pytest.mark.parametrize("code", LANGUAGES[1:])
def test_every_message_is_translated(code: str) -> None:
    for message in catalogue(code):
        if not message.id:
            continue
        assert message.string, f"{code}: {message.id!r} is not translated"
        assert not message.fuzzy, f"{code}: {message.id!r} is fuzzy"
        if (code, message.id) not in SAME_AS_ENGLISH:
            assert message.string != message.id, f"{code}: {message.id!r} is left in English"
        if "%(" in message.id:
            assert "%(reference)s" in message.string


@pytest.mark.parametrize("code", LANGUAGES[1:])
def test_catalogue_covers_every_message_the_code_uses(code: str) -> None:
    ids = {message.id for message in catalogue(code) if message.id}
    assert used_messages() - ids == set()


def test_compiled_catalogues_match_their_sources() -> None:
    for code, compiled in compile_catalogues(write=False).items():
        assert po_path(code).with_suffix(".mo").read_bytes() == compiled, code


def test_accept_language_negotiation() -> None:
    assert negotiate("pt-BR,pt;q=0.9") == "pt"
    assert negotiate("sv,nl;q=0.4,de;q=0.8") == "de"
    assert negotiate("ja") == "en"
    assert negotiate(None) == "en"
    assert negotiate("fr;q=0,it") == "it"
    assert language("de").gettext("Start now") == "Jetzt beginnen"
