"""ProfileUrlDetector."""

import pytest

from optout.redact.detectors import ProfileUrlDetector


def found(text: str) -> list[str]:
    detector = ProfileUrlDetector(("https://social.example/",))
    return [text[s.start:s.end] for s in detector.find(text)]


@pytest.mark.parametrize(
    "url",
    [
        "https://social.example/anything/here",
        "https://mastodon.social/@ana",
        "https://forum.example.com/u/ana_p",
        "http://site.example/profile/123",
        "https://www.example.com/user/ana",
        "www.instagram.com/ana.perez",
        "https://x.com/ana_p",
        "https://www.linkedin.com/in/ana-perez",
    ],
)
def test_finds_profile_urls(url: str) -> None:
    assert found(f"see {url}.") == [url]


@pytest.mark.parametrize(
    "text",
    ["https://news.example/2024/05/article", "https://www.instagram.com/explore",
     "https://shop.example/product/12", "https://profile.invalid/u/0123456789"],
)
def test_ignores_other_urls_and_surrogates(text: str) -> None:
    assert found(text) == []
