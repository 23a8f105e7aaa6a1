"""URLs that point at a person's profile."""

from __future__ import annotations

import re

from optout.redact.spans import BaseDetector, Span

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]{}]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\""
_PROFILE_PATH = re.compile(
    r"^/(?:@[^/]+|~[^/]+|(?:u|user|users|profile|profiles|people|in|member|members)/[^/]+)",
    re.IGNORECASE,
)
# hosts whose first path segment is a user name (unless it is one of the reserved words)
USERNAME_HOSTS = frozenset({
    "instagram.com", "x.com", "twitter.com", "facebook.com", "github.com", "tiktok.com",
    "threads.net", "youtube.com", "linkedin.com", "flickr.com", "pinterest.com", "medium.com",
})
_RESERVED_SEGMENTS = frozenset({
    "", "home", "explore", "search", "hashtag", "events", "groups", "watch", "share", "i",
    "intent", "settings", "about", "help", "login", "signup", "p", "reel", "reels", "stories",
    "status", "tags", "pages", "marketplace", "privacy", "terms", "policies", "legal", "jobs",
    "company", "school", "results", "playlist", "shorts", "channel", "c", "topics", "trending",
})


# scheme, user info, host, port, path (what urlsplit would give for these URLs, but faster)
_PARTS = re.compile(r"(?:[a-z][a-z0-9+.\-]*://)?(?:[^/?#@]*@)?(\[[^\]]*\]|[^/?#:]*)(?::[^/?#]*)?"
                    r"([^?#]*)", re.IGNORECASE)


def _host_and_path(url: str) -> tuple[str, str]:
    """The host (lower case, without ``www.``/``m.``, without a trailing dot) and the path."""
    parts = _PARTS.match(url)
    host = parts.group(1).lower().rstrip(".") if parts else ""
    return host.removeprefix("www.").removeprefix("m."), parts.group(2) if parts else ""


class ProfileUrlDetector(BaseDetector):
    """Finds URLs under a configured platform base URL, profile paths such as ``/@user``,
    ``/u/…``, ``/user/…``, ``/profile/…``, and ``host/<name>`` on well-known social sites.
    Other URLs (articles, shops, videos) are left alone."""

    labels = frozenset({"url"})

    def __init__(self, platform_urls: tuple[str, ...] = ()) -> None:
        self.platform_prefixes = tuple(
            url.lower().removeprefix("https://").removeprefix("http://").removeprefix("www.")
            for url in platform_urls
        )

    def might_contain(self, text: str) -> bool:
        return "http" in text or "www." in text

    def is_profile(self, url: str) -> bool:
        host, path = _host_and_path(url)
        if host == "invalid" or host.endswith(".invalid"):
            return False  # a surrogate (profile.invalid), or nobody's
        bare = url.lower().split("://", 1)[-1].removeprefix("www.")
        if self.platform_prefixes and bare.startswith(self.platform_prefixes):
            return True
        if _PROFILE_PATH.match(path):
            return True
        segment = path.split("/")[1] if path.count("/") >= 1 else ""
        return host in USERNAME_HOSTS and segment.lower() not in _RESERVED_SEGMENTS

    def find(self, text: str, region: str | None = None) -> list[Span]:
        spans = []
        for match in _URL.finditer(text):
            url = match.group().rstrip(_TRAILING)
            if self.is_profile(url):
                spans.append(Span(match.start(), match.start() + len(url), "url"))
        return spans
