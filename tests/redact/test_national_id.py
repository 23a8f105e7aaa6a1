"""NationalIdDetector: distinctive shapes anywhere, bare digit strings only with context."""

import pytest

from optout.redact.detectors import NationalIdDetector


def found(text: str) -> list[str]:
    return [text[s.start:s.end] for s in NationalIdDetector().find(text)]


@pytest.mark.parametrize(
    "value",
    [
        "12345678Z",  # es.dni
        "X1234567L",  # es.nie
        "RSSMRA85T10A562S",  # it.codicefiscale
        "131052-308T",  # fi.hetu
        "811218-9876",  # se.personnummer
        "2 95 10 99 126 111 93",  # fr.nir
        "85.07.30-033.28",  # be.nn
        "1234567T",  # ie.pps
        "211062-5629",  # dk.cpr with its dash
        "756.9217.0769.85",  # ch.ssn (AHV)
        "390.533.447-05",  # br.cpf
        "536-22-1234",  # us.ssn
    ],
)
def test_finds_distinctive_ids_without_context(value: str) -> None:
    assert found(f"mein Ausweis {value} ok") == [value]


@pytest.mark.parametrize(
    ("context", "value"),
    [
        ("BSN", "111222333"),
        ("PESEL", "44051401359"),
        ("Steuer-ID", "36574261809"),
        ("NIF", "501964843"),
        ("CPR", "2110625629"),
        ("NHS", "943 476 5919"),
        ("my ID number is", "111222333"),  # any ID word opens every bare-digit scheme
        ("für das Formular", "36574261809"),
    ],
)
def test_bare_digit_ids_need_a_context_word(context: str, value: str) -> None:
    assert found(f"mijn {context}: {value}") == [value]
    assert found(f"my number is {value}") == []


def test_failing_checksum_is_not_an_id() -> None:
    assert found("12345678A and BSN 111222334") == []


def test_digits_of_a_phone_number_are_not_an_id() -> None:
    """A phone surrogate after "+" can pass an ID checksum by chance."""
    from optout.redact.detectors import NationalIdDetector

    detector = NationalIdDetector()
    assert detector.find("Tel: +353223217376", "IE") == []
    assert detector.find("Tel. +391036390584", "IT") == []
