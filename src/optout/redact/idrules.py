"""National identification number rules: shape, python-stdnum validator, context words."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from stdnum import luhn
from stdnum.at import vnr
from stdnum.be import nn
from stdnum.bg import egn
from stdnum.br import cpf
from stdnum.ch import ssn as ch_ssn
from stdnum.cz import rc
from stdnum.de import idnr
from stdnum.dk import cpr
from stdnum.ee import ik
from stdnum.es import dni, nie
from stdnum.fi import hetu
from stdnum.fr import nir
from stdnum.gb import nhs
from stdnum.gr import amka
from stdnum.hr import oib
from stdnum.ie import pps
from stdnum.it import codicefiscale
from stdnum.lt import asmens
from stdnum.nl import bsn
from stdnum.pl import pesel
from stdnum.pt import cc, nif
from stdnum.ro import cnp
from stdnum.se import personnummer
from stdnum.si import emso
from stdnum.us import ssn as us_ssn

CONTEXT_WINDOW = 40  # characters before a match searched for a context word


@dataclass(frozen=True)
class IdRule:
    """One national ID format: ``context`` words are required unless the shape is distinctive."""

    name: str
    shape: str  # the regular expression of the ID itself, without the boundaries
    is_valid: Callable[[str], bool]
    context: tuple[str, ...] = ()

    @property
    def pattern(self) -> re.Pattern[str]:
        return _rx(self.shape)


BEFORE = r"(?<![\w.\-/])"  # not inside a longer word or number
AFTER = r"(?![\w]|[.\-/]\w)"


@cache
def _rx(body: str) -> re.Pattern[str]:
    return re.compile(BEFORE + body + AFTER, re.IGNORECASE)


def _valid(module: object) -> Callable[[str], bool]:
    check = module.is_valid  # type: ignore[attr-defined]

    def is_valid(value: str) -> bool:
        try:
            return bool(check(value))
        except Exception:  # stdnum raises on some malformed input despite is_valid
            return False

    return is_valid


def _amka_valid(value: str) -> bool:
    return _valid(amka)(value) and luhn.is_valid(re.sub(r"\D", "", value))


_D11 = r"\d{11}"
_D10 = r"\d{10}"
_D9 = r"\d{9}"
_D13 = r"\d{13}"

RULES: tuple[IdRule, ...] = (
    # distinctive shapes: letters, separators or long checksummed structures
    IdRule("es.dni", r"\d{8}[- ]?[A-Z]", _valid(dni)),
    IdRule("es.nie", r"[XYZ][- ]?\d{7}[- ]?[A-Z]", _valid(nie)),
    IdRule("it.codicefiscale", r"[A-Z]{6}\d\d[A-Z]\d\d[A-Z]\d{3}[A-Z]", _valid(codicefiscale)),
    IdRule("fi.hetu", r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]", _valid(hetu)),
    IdRule("se.personnummer", r"(?:\d\d)?\d{6}[-+]\d{4}", _valid(personnummer)),
    IdRule("fr.nir", r"[12] ?\d\d ?\d\d ?(?:\d\d|2[AB]) ?\d{3} ?\d{3} ?\d\d", _valid(nir)),
    IdRule("be.nn", r"\d\d\.\d\d\.\d\d-\d{3}\.\d\d", _valid(nn)),
    IdRule("pt.cc", r"\d{8} ?\d ?(?:[A-Z][A-Z0-9]|\d[A-Z])\d", _valid(cc)),  # version letters
    IdRule("ie.pps", r"\d{7}[A-W][A-IW]?", _valid(pps)),
    IdRule("cz.rc", r"\d{6}/\d{3,4}", _valid(rc)),
    IdRule("dk.cpr", r"\d{6}-\d{4}", _valid(cpr)),  # a date, a dash, four digits
    IdRule("ch.ssn", r"756\.\d{4}\.\d{4}\.\d\d", _valid(ch_ssn)),  # AHV/AVS, EAN-13 check
    IdRule("br.cpf", r"\d{3}\.\d{3}\.\d{3}-\d\d", _valid(cpf)),  # two check digits
    IdRule("us.ssn", r"\d{3}-\d\d-\d{4}", _valid(us_ssn)),  # no checksum: the shape
    # bare digit strings: told apart from any other number only by a nearby context word
    IdRule("nl.bsn", r"\d{4}\.?\d\d\.?\d{3}", _valid(bsn),
           ("bsn", "burgerservicenummer", "sofinummer", "sofi-nummer")),
    IdRule("pl.pesel", _D11, _valid(pesel), ("pesel",)),
    IdRule("de.idnr", r"\d\d ?\d{3} ?\d{3} ?\d{3}", _valid(idnr),
           ("steuer-id", "steuerid", "steuer-identifikationsnummer", "identifikationsnummer",
            "idnr", "steuernummer")),
    IdRule("be.nn", _D11, _valid(nn),
           ("rijksregister", "registre national", "numero national", "numéro national", "insz",
            "niss")),
    IdRule("dk.cpr", r"\d{6}-?\d{4}", _valid(cpr), ("cpr", "personnummer")),
    IdRule("se.personnummer", r"(?:\d\d)?\d{10}", _valid(personnummer),
           ("personnummer", "personnr")),
    IdRule("pt.nif", _D9, _valid(nif), ("nif", "contribuinte")),
    IdRule("at.vnr", r"\d{4} ?\d{6}", _valid(vnr),
           ("sozialversicherungsnummer", "versicherungsnummer", "svnr", "sv-nummer")),
    IdRule("ro.cnp", _D13, _valid(cnp), ("cnp", "cod numeric personal")),
    IdRule("bg.egn", _D10, _valid(egn), ("egn", "егн")),
    IdRule("gr.amka", _D11, _amka_valid, ("amka", "αμκα")),
    IdRule("hr.oib", _D11, _valid(oib), ("oib",)),
    IdRule("ee.ik", _D11, _valid(ik), ("isikukood",)),
    IdRule("lt.asmens", _D11, _valid(asmens), ("asmens kodas",)),
    IdRule("si.emso", _D13, _valid(emso), ("emso", "emšo")),
    IdRule("gb.nhs", r"\d{3} ?\d{3} ?\d{4}", _valid(nhs), ("nhs",)),
    IdRule("dk.cpr", _D10, _valid(cpr), ("cpr",)),
)

# words that announce an identification number in any of the sample's languages; after any
# of them (or a scheme's own word) every bare-digit rule is tried: people write "my BSN is"
# for a Belgian number too. A number given "for the form" is most often an ID number.
GENERIC_CONTEXT = (
    "id number", "id no", "id-nr", "id nr", "id:", "my id", "id-nummer", "id nummer",
    "ausweis", "identifikation", "identity", "identité", "identidad", "identità", "identiteit",
    "tożsamości", "identidade", "mi dni", "el dni", "dni:", "dni es", "nif", "ssn",
    "social security", "sozialvers",
    "seguridad social", "sécurité sociale", "numéro de sécu", "previdenza", "cpf", "ahv",
    "avs", "steuer", "tax id", "fiscal", "personnummer", "henkilötunnus", "pps", "nhs",
    "formular", "formulario", "formulário", "formulier", "formularz", "formulaire", "modulo",
    "blankett", "for the form", "tax number", "national insurance",
)
ID_CUES: tuple[str, ...] = tuple(sorted(
    {word for rule in RULES for word in rule.context} | set(GENERIC_CONTEXT)))


def has_context(text_lower: str, start: int, words: tuple[str, ...]) -> bool:
    """Whether one of ``words`` occurs in the window just before ``start``."""
    window = text_lower[max(0, start - CONTEXT_WINDOW):start]
    return any(word in window for word in words)


@cache
def _checks() -> tuple[tuple[re.Pattern[str], Callable[[str], bool]], ...]:
    return tuple((rule.pattern, rule.is_valid) for rule in RULES)


@cache
def _any_shape() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{rule.shape})" for rule in RULES), re.IGNORECASE)


def validates_as_any(value: str) -> bool:
    """Whether ``value`` passes the checks of any rule whose shape it has (one regex first:
    most values have none of the shapes)."""
    if _any_shape().fullmatch(value) is None:
        return False
    return any(pattern.fullmatch(value) and is_valid(value) for pattern, is_valid in _checks())
