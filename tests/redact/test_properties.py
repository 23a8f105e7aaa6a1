"""Property tests: planted values never survive redaction; offsets hold with any characters."""

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from optout.keys import Pseudonymizer
from optout.redact import PeopleDirectory, RedactionConfig, Redactor
from optout.redact.detectors import PII_LABELS

_PSEUDONYMIZER = Pseudonymizer(b"prop-secret")
_DIRECTORY = PeopleDirectory.build(
    pa.table({"account_id": ["a1"], "username": ["zoe_m"], "display_name": ["Zoë Müller"],
              "country": ["DE"]}),
    set(), [], [], _PSEUDONYMIZER,
)
_REDACTOR = Redactor(_DIRECTORY, RedactionConfig(PII_LABELS), _PSEUDONYMIZER)
# the directory alone: random filler may hold words the person-name detector takes for names
_DIRECTORY_ONLY = Redactor(_DIRECTORY, RedactionConfig(PII_LABELS, person_names=False),
                           _PSEUDONYMIZER)

PLANTED = {
    "email": st.sampled_from(["ana.perez@example.org", "x_y@mail.example.de", "jö@ex.fr"]),
    "iban": st.sampled_from(["DE89 3704 0044 0532 0130 00", "ES9121000418450200051332",
                             "nl91abna0417164300"]),
    "card": st.sampled_from(["4111 1111 1111 1111", "5500-0055-5555-5559", "378282246310005"]),
}
filler = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="@"), max_size=40
).map(lambda s: f" {s} ")


@settings(max_examples=200, deadline=None)
@given(before=filler, after=filler, kind=st.sampled_from(sorted(PLANTED)), data=st.data())
def test_planted_values_never_survive(before: str, after: str, kind: str,
                                      data: st.DataObject) -> None:
    value = data.draw(PLANTED[kind])
    result = _REDACTOR.redact(before + value + after, None, "DE")
    assert value not in result.text
    assert result.counts.get(kind) == 1


@settings(max_examples=200, deadline=None)
@given(before=filler, after=filler)
def test_name_offsets_hold_with_any_characters(before: str, after: str) -> None:
    text = before + "Zoë Müller" + after
    result = _DIRECTORY_ONLY.redact(text, None, None)
    assert "Zoë Müller" not in result.text
    assert result.text.startswith(before) and result.text.endswith(after)


QUASI = {
    "address": st.sampled_from(["Hauptstraße 5", "12 rue de la Paix", "Calle Mayor 5",
                                "ul. Długa 5/7", "Kerkstraat 12", "221B Baker Street"]),
    "licence_plate": st.sampled_from(["AB-123-CD", "12-XJ-34", "1234-BCD", "B-MW 1234"]),
    "date_of_birth": st.sampled_from(["12.05.1985", "12 May 1985", "1985-05-12"]),
}


@settings(max_examples=150, deadline=None)
@given(before=filler, after=filler, kind=st.sampled_from(sorted(QUASI)), data=st.data())
def test_planted_quasi_identifiers_never_survive(before: str, after: str, kind: str,
                                                 data: st.DataObject) -> None:
    """A quasi-identifier is replaced wherever it stands (a date of birth after its cue),
    and what replaces it is not found again."""
    value = data.draw(QUASI[kind])
    planted = f"born on {value}" if kind == "date_of_birth" else value
    result = _REDACTOR.redact(before + planted + after, None, "DE")
    assert value not in result.text
    assert result.counts.get(kind) == 1
    again = _REDACTOR.redact(result.text, None, "DE")
    assert not again.counts.get(kind)
