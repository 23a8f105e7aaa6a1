"""Messages: the direct writer gives exactly what the email package would."""

from __future__ import annotations

import re

import pytest

from optout.mail import messages
from optout.portal.i18n import LANGUAGES, language

VALUES = {
    "confirmation": {"link": "https://optout.example/confirm/abc"},
    "already_confirmed": {"link": "https://optout.example/status/abc"},
    "receipt": {"link": "https://optout.example/status/abc", "reference": "ABCD-EFGH-IJKL"},
    "notice": {"link": "https://optout.example/notice/" + "t" * 120},
}
VARYING = re.compile(r"^(Date|Message-ID): .*\n", re.MULTILINE)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", sorted(VALUES))
@pytest.mark.parametrize("to", ["a@example.org", "Ána@example.org", "x" * 70 + "@example.org"])
@pytest.mark.parametrize("sender", [messages.DEFAULT_SENDER, "Équipe <no-reply@example.fr>"])
def test_the_same_text_as_the_email_package(lang: str, kind: str, to: str, sender: str) -> None:
    fast = messages.build_message(kind, to=to, lang=lang, sender=sender, **VALUES[kind])
    headers, _, _ = fast.partition("\n\n")
    date = re.search(r"^Date: (.*)$", headers, re.MULTILINE)
    message_id = re.search(r"^Message-ID: (.*)$", headers, re.MULTILINE)
    assert date and message_id
    body, subject = messages._rendered(kind, lang, tuple(sorted(VALUES[kind])))
    for name, value in VALUES[kind].items():
        body = body.replace(messages._slot(name), value)
        subject = subject.replace(messages._slot(name), value)
    rendered = messages._ENV.get_template(f"{kind}.txt").render(_=language(lang).gettext,
                                                                 **VALUES[kind])  # fmt: skip
    assert body == rendered  # placeholders give what rendering the values gives
    reference = messages._with_email_package(body, {
        "From": messages._header(sender), "To": messages._header(to),
        "Subject": messages._header(subject), "Date": date.group(1),
        "Message-ID": message_id.group(1), "Auto-Submitted": "auto-generated",
        "Content-Language": lang,
    })  # fmt: skip
    assert VARYING.sub("", fast) == VARYING.sub("", reference)
    assert fast == reference
