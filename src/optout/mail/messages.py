"""The emails optout sends (confirmation, already confirmed, receipt, notice), in 8 languages."""

from __future__ import annotations

from email.header import Header
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from pathlib import Path

import jinja2

from optout.portal.i18n import language

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_SENDER = "optout <no-reply@optout.invalid>"
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=False,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
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
    """The RFC 5322 text of one message of ``kind``, in language ``lang``."""
    lang_obj = language(lang)
    body = _ENV.get_template(f"{kind}.txt").render(_=lang_obj.gettext, **values)
    message = MIMEText(body, "plain", "utf-8")  # compat32: ~10x cheaper than EmailMessage
    message["From"] = _header(sender)
    message["To"] = _header(to)
    message["Subject"] = _header(_subject(kind, lang, **values))
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=_domain(sender))
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = lang_obj.code
    return message.as_string()


def _header(value: str) -> str:
    return value if value.isascii() else Header(value, "utf-8").encode()


def _domain(sender: str) -> str:
    address = sender[sender.find("<") + 1 : sender.rfind(">")] if "<" in sender else sender
    return address.rpartition("@")[2] or "optout.invalid"
