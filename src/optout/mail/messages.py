"""The emails optout sends (confirmation, already confirmed, receipt, notice), in 8 languages."""

from __future__ import annotations

import base64
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from functools import lru_cache
from pathlib import Path

import jinja2

from optout.portal.i18n import language

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_SENDER = "optout <no-reply@optout.invalid>"
MAX_HEADER_LINE = 78  # longer header lines are folded by the email package (slow path)
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=False,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)
_MIME_HEAD = (
    'Content-Type: text/plain; charset="utf-8"\nMIME-Version: 1.0\n'
    "Content-Transfer-Encoding: base64\n"
)


def _subject(kind: str, lang: str, **values: object) -> str:
    _ = language(lang).gettext
    subjects = {
        "confirmation": lambda: _("Confirm your objection to AI training"),
        "already_confirmed": lambda: _("Your objection to AI training is already confirmed"),
        "receipt": lambda: _("Your objection is confirmed – reference %(reference)s", **values),
        "notice": lambda: _("Your public posts may be used to train AI"),
    }
    return subjects[kind]()


def build_message(
    kind: str, *, to: str, lang: str, sender: str = DEFAULT_SENDER, **values: object
) -> str:
    """The RFC 5322 text of one message of ``kind``, in language ``lang``.

    The text is what ``MIMEText(body, "plain", "utf-8").as_string()`` gives (a test checks
    it), written directly: the email package's header folding cost ~1 ms a message, more
    than everything else an objection needs. Headers too long for one line take that path.
    """
    texts = {name: str(value) for name, value in values.items()}
    body, subject = _rendered(kind, language(lang).code, tuple(sorted(texts)))
    for name, text in texts.items():
        body, subject = body.replace(_slot(name), text), subject.replace(_slot(name), text)
    headers = {
        "From": _header(sender), "To": _header(to), "Subject": _header(subject),
        "Date": formatdate(localtime=False), "Message-ID": make_msgid(domain=_domain(sender)),
        "Auto-Submitted": "auto-generated", "Content-Language": language(lang).code,
    }  # fmt: skip
    lines = [f"{name}: {value}" for name, value in headers.items()]
    if any(len(line) > MAX_HEADER_LINE or "\n" in line for line in lines):
        return _with_email_package(body, headers)
    encoded = base64.encodebytes(body.encode("utf-8")).decode("ascii")
    return _MIME_HEAD + "\n".join(lines) + "\n\n" + encoded


def _slot(name: str) -> str:
    """A placeholder no template or translation contains, replaced by the value afterwards."""
    return f"\x00{name}\x00"


@lru_cache(maxsize=256)
def _rendered(kind: str, lang: str, names: tuple[str, ...]) -> tuple[str, str]:
    """The body and subject of ``kind`` in ``lang`` with a placeholder for each value."""
    slots = {name: _slot(name) for name in names}
    body = _ENV.get_template(f"{kind}.txt").render(_=language(lang).gettext, **slots)
    return body, _subject(kind, lang, **slots)


def _with_email_package(body: str, headers: dict[str, str]) -> str:
    message = MIMEText(body, "plain", "utf-8")  # compat32: ~10x cheaper than EmailMessage
    for name, value in headers.items():
        message[name] = value
    return message.as_string()


def _header(value: str) -> str:
    return value if value.isascii() else _encoded_header(value)


@lru_cache(maxsize=1024)
def _encoded_header(value: str) -> str:
    """RFC 2047 encoded words (slow to make, and subjects repeat: remembered)."""
    return Header(value, "utf-8").encode()


def _domain(sender: str) -> str:
    address = sender[sender.find("<") + 1 : sender.rfind(">")] if "<" in sender else sender
    return address.rpartition("@")[2] or "optout.invalid"
