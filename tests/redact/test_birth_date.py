"""DateOfBirthDetector: a date right after a birth cue, in the sample's languages."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optout.keys import Pseudonymizer
from optout.redact import is_surrogate
from optout.redact.detectors import DateOfBirthDetector
from optout.redact.surrogates import StructuredSurrogates


def found(text: str) -> list[str]:
    detector = DateOfBirthDetector()
    return [text[s.start:s.end] for s in detector.find(text)] if detector.might_contain(
        text) else []


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("I was born on 12 May 1985 in Leeds", "12 May 1985"),
        ("I was born in Leeds on 3 March 1990", "3 March 1990"),
        ("DOB: 12/05/1985", "12/05/1985"),
        ("my birthday is May 12th", "May 12th"),
        ("geboren am 3. März 1990", "3. März 1990"),
        ("Geburtsdatum: 12.05.1985", "12.05.1985"),
        ("Née le 5 juin 1978.", "5 juin 1978"),
        ("nacido el 12 de mayo de 1985", "12 de mayo de 1985"),
        ("nato a Roma il 12 maggio 1985", "12 maggio 1985"),
        ("nascido em 12 de maio de 1985", "12 de maio de 1985"),
        ("geboren op 12 mei 1985", "12 mei 1985"),
        ("ur. 12.05.1985 w Krakowie", "12.05.1985"),
        ("född 1985-05-12", "1985-05-12"),
    ],
)
def test_finds_dates_after_a_birth_cue(text: str, date: str) -> None:
    assert found(text) == [date]


@pytest.mark.parametrize(
    "text",
    [
        "the meeting is on 12 May 1985",  # a bare date is not a date of birth
        "born 30.02.1987",  # no such day
        "In 2019 I was born again",  # a year alone
        "pronée le 12 mai",  # "née" inside a word
        "born to run, 12 May 1985 was the day",  # the cue is too far
    ],
)
def test_ignores_dates_without_a_cue_and_impossible_dates(text: str) -> None:
    assert found(text) == []


_DATES = st.builds(
    lambda d, m, y, fmt: fmt.format(d=d, m=m, y=y),
    st.integers(1, 28), st.integers(1, 12), st.integers(1920, 2010),
    st.sampled_from(["{d:02d}.{m:02d}.{y}", "{d}/{m}/{y}", "{y}-{m:02d}-{d:02d}"]),
)


@settings(max_examples=100, deadline=None)
@given(date=_DATES, cue=st.sampled_from(["born on", "geboren am", "né le", "ur.", "DOB:"]))
def test_surrogates_are_impossible_dates_never_found(date: str, cue: str) -> None:
    make = StructuredSurrogates(Pseudonymizer(b"prop-secret"))
    assert found(f"{cue} {date}") == [date]
    surrogate = make("date_of_birth", date)
    assert surrogate != date and is_surrogate("date_of_birth", surrogate)
    assert not is_surrogate("date_of_birth", date)
    assert found(f"{cue} {surrogate}") == []


def test_textual_surrogates_keep_the_language() -> None:
    make = StructuredSurrogates(Pseudonymizer(b"test-secret"))
    assert "Februar" in make("date_of_birth", "3. März 1990")
    assert "febrero" in make("date_of_birth", "12 de mayo de 1985")
