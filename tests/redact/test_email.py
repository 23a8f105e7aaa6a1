"""EmailDetector."""

from optout.redact.detectors import EmailDetector


def found(text: str) -> list[str]:
    return [text[s.start:s.end] for s in EmailDetector().find(text)]


def test_finds_addresses_in_several_forms() -> None:
    text = "Mail ana.perez+news@example.org, jürgen@müller.de or X_Y@sub.domain.co.uk."
    assert found(text) == ["ana.perez+news@example.org", "jürgen@müller.de",
                           "X_Y@sub.domain.co.uk"]


def test_ignores_handles_and_at_signs() -> None:
    assert found("thanks @ana_p and @ 5pm, price 3@4") == []


def test_surrogate_addresses_are_not_flagged_but_example_org_is() -> None:
    assert found("user0000000001@surrogate.invalid") == []
    assert found("someone@example.org") == ["someone@example.org"]


def test_prefilter_needs_an_at_sign() -> None:
    assert not EmailDetector().might_contain("no address here")


def test_pre_filter_passes_every_text_with_an_address() -> None:
    import random

    from optout.redact.detectors.email import EmailDetector

    detector = EmailDetector()
    rng = random.Random(2)
    alphabet = "ab.@_-+% xZé1.de"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        if detector.find(text):
            assert detector.might_contain(text), text
    assert not detector.might_contain("hi @anna and @bob.")
    assert detector.might_contain("mail ana@example.org")
