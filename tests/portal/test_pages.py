"""The portal over HTTP: the journey, CSRF, links that explain themselves, headers, privacy."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import itsdangerous.timed
import pytest
from fastapi.testclient import TestClient

from optout.config import get_settings
from optout.portal.links import CONFIRM_TTL, LinkSigner
from optout.portal.security import SECURITY_HEADERS
from optout.registry import find_objection, open_registry, submit_objection
from tests.portal.support import (
    body_of,
    csrf_of,
    eml_files,
    link_in,
    read_eml,
    subject_of,
    wait_for,
)

EMAIL = "Ana.Perez@Example.org"


def send_form(client: TestClient, **fields: str) -> object:
    token = csrf_of(client.get("/object").text)
    data = {"csrf_token": token, "country": "ES", "email": EMAIL, **fields}
    return client.post("/object", data=data, follow_redirects=False)


def last_mail(outbox: Path, count: int = 1) -> object:
    wait_for(lambda: len(eml_files(outbox)) >= count)
    return read_eml(eml_files(outbox)[count - 1])


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def confirm_via_mail(client: TestClient, outbox: Path, count: int = 1) -> object:
    link = link_in(last_mail(outbox, count))
    page = client.get(path_of(link))
    assert page.status_code == 200
    token = path_of(link).rsplit("/", 1)[1]
    return client.post("/confirm", data={"csrf_token": csrf_of(page.text), "token": token},
                       follow_redirects=False)  # fmt: skip


def test_whole_journey_confirms_then_withdraws(client: TestClient, outbox: Path) -> None:
    sent = send_form(client, names="Ana Pérez", handles="@ana_p")
    assert sent.status_code == 303 and sent.headers["location"] == "/check-email"
    check = client.get("/check-email")
    assert EMAIL in check.text and "/check-email/resend" in check.text
    confirmed = confirm_via_mail(client, outbox)
    assert confirmed.status_code == 303
    page = client.get(confirmed.headers["location"])
    assert "Objection confirmed" in page.text and "What happens next" in page.text
    receipt = last_mail(outbox, 2)
    assert "reference" in subject_of(receipt)
    status = client.get(path_of(link_in(receipt)))
    assert "Confirmed" in status.text
    token = path_of(link_in(receipt)).rsplit("/", 1)[1]
    gone = client.post("/withdraw", data={"csrf_token": csrf_of(status.text), "token": token})
    assert "Objection withdrawn" in gone.text
    with open_registry() as registry, registry.read_session() as session:
        objection = find_objection(session, email=EMAIL)
        assert objection is not None and objection.status == "withdrawn"
        assert objection.names == ["Ana Pérez"] and objection.handles == ["ana_p"]


def test_a_post_without_csrf_token_is_refused(client: TestClient, outbox: Path) -> None:
    client.get("/object")
    refused = client.post("/object", data={"email": EMAIL, "country": "ES"})
    assert refused.status_code == 403
    assert "Your session has expired" in refused.text
    forged = client.post("/object", data={"email": EMAIL, "country": "ES", "csrf_token": "x"})
    assert forged.status_code == 403
    with open_registry() as registry, registry.read_session() as session:
        assert find_objection(session, email=EMAIL) is None


def test_bad_email_shows_an_error_summary_linked_to_the_field(client: TestClient) -> None:
    page = send_form(client, email="not an email", names="Ana")
    assert page.status_code == 400
    html = page.text
    assert "<title>Error:" in html and "There is a problem" in html
    assert 'href="#email"' in html and 'id="email"' in html
    assert 'href="#names"' in html and 'href="#country"' not in html
    assert 'aria-describedby="email-hint email-error"' in html
    assert 'value="not an email"' in html  # what was typed is kept


def test_used_confirm_link_explains_itself(client: TestClient, outbox: Path) -> None:
    send_form(client)
    confirm_via_mail(client, outbox)
    again = client.get(path_of(link_in(last_mail(outbox))))
    assert again.status_code == 410
    assert "This link has already been used" in again.text


def test_expired_link_explains_itself(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    signer = LinkSigner(get_settings().secret)
    past = time.time() - CONFIRM_TTL.total_seconds() - 60
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: past)
    token = signer.confirm("0" * 32)
    monkeypatch.undo()
    page = client.get(f"/confirm/{token}")
    assert page.status_code == 410 and "This link has expired" in page.text
    assert client.get("/confirm/garbage").status_code == 404
    assert "This link does not work" in client.get("/status/garbage").text


def test_same_answer_for_known_and_unknown_addresses(client: TestClient, outbox: Path) -> None:
    with open_registry() as registry, registry.session() as session:
        submit_objection(session, email="known@example.org", country="DE")
    answers = []
    for address in ("known@example.org", "unknown@example.org"):
        api = client.post("/api/v1/objections", json={"email": address, "country": "DE"})
        form = send_form(client, email=address)
        answers.append((api.status_code, api.content, form.status_code, form.headers["location"]))
    assert answers[0] == answers[1]
    assert answers[0][0] == 202


def test_confirmed_address_gets_a_status_link_not_a_new_objection(
    client: TestClient, outbox: Path
) -> None:
    send_form(client)
    confirm_via_mail(client, outbox)
    assert send_form(client).headers["location"] == "/check-email"
    mail = last_mail(outbox, 3)
    assert "already confirmed" in subject_of(mail) and "/status/" in link_in(mail)


def test_security_headers_on_every_kind_of_response(client: TestClient) -> None:
    for path in ("/", "/object", "/static/portal.css", "/nope", "/openapi.json"):
        response = client.get(path)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (path, name)
    csp = SECURITY_HEADERS["content-security-policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp


def test_no_raw_email_in_urls_or_links(client: TestClient, outbox: Path) -> None:
    sent = send_form(client)
    assert "@" not in sent.headers["location"]
    link = link_in(last_mail(outbox))
    assert "Ana" not in link and "%40" not in link and "@" not in link


def test_language_from_accept_language_and_switcher(client: TestClient) -> None:
    german = client.get("/", headers={"accept-language": "de-AT,de;q=0.9,en;q=0.5"})
    assert '<html lang="de">' in german.text and "Jetzt beginnen" in german.text
    french = client.get("/?lang=fr")
    assert '<html lang="fr">' in french.text and 'hreflang="pl"' in french.text
    assert '<html lang="fr">' in client.get("/object").text  # remembered by cookie
    assert "Espagne" in client.get("/object").text  # country names in the page's language


def test_email_in_the_language_of_the_form(client: TestClient, outbox: Path) -> None:
    client.get("/?lang=pl")
    send_form(client)
    mail = last_mail(outbox)
    assert mail["Content-Language"] == "pl"
    assert "Potwierdzam sprzeciw" in body_of(mail)


def test_resend_sends_a_new_link(client: TestClient, outbox: Path) -> None:
    send_form(client)
    page = client.get("/check-email")
    again = client.post("/check-email/resend", data={"csrf_token": csrf_of(page.text)})
    assert "We have sent the link again." in again.text
    last_mail(outbox, 2)


def test_change_prefills_the_form(client: TestClient) -> None:
    send_form(client, reason="no thanks")
    page = client.get("/object?change=1")
    assert f'value="{EMAIL}"' in page.text and "no thanks" in page.text


def test_api_validation_errors_name_fields(client: TestClient) -> None:
    bad = client.post("/api/v1/objections", json={"email": "nope", "country": "US"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"email", "country"}


def test_notice_token_confirms_at_once_and_sends_a_receipt(
    client: TestClient, outbox: Path
) -> None:
    token = LinkSigner(get_settings().secret).notice("acct-7", EMAIL)
    answer = client.post("/api/v1/objections",
                         json={"email": EMAIL, "country": "PT", "notice_token": token})  # fmt: skip
    assert answer.status_code == 202
    with open_registry() as registry, registry.read_session() as session:
        objection = find_objection(session, email=EMAIL)
        assert objection is not None and objection.status == "confirmed"
        assert objection.account_id == "acct-7"
    assert "reference" in subject_of(last_mail(outbox))


def test_notice_token_for_another_address_does_not_confirm(client: TestClient) -> None:
    token = LinkSigner(get_settings().secret).notice("acct-7", "someone@example.org")
    client.post("/api/v1/objections", json={"email": EMAIL, "country": "PT",
                                            "notice_token": token})  # fmt: skip
    with open_registry() as registry, registry.read_session() as session:
        objection = find_objection(session, email=EMAIL)
        assert objection is not None and objection.status == "pending"


def test_notice_form_page_confirms_at_once(client: TestClient) -> None:
    token = LinkSigner(get_settings().secret).notice("acct-9", EMAIL)
    page = client.get(f"/notice/{token}")
    assert page.status_code == 200 and 'name="notice_token"' in page.text
    data = {"csrf_token": csrf_of(page.text), "email": EMAIL, "country": "IT",
            "notice_token": token}  # fmt: skip
    sent = client.post("/object", data=data, follow_redirects=False)
    assert sent.headers["location"].startswith("/confirmed/")


def test_rate_limit_per_ip(outbox: Path) -> None:
    from optout.portal.app import create_app
    from optout.portal.config import PortalConfig

    app = create_app(PortalConfig(ip_limit_per_minute=3), send_mail=False)
    with TestClient(app) as limited:
        codes = [limited.post("/api/v1/objections",
                              json={"email": f"p{i}@example.org", "country": "DE"}).status_code
                 for i in range(5)]  # fmt: skip
    assert codes == [202, 202, 202, 429, 429]


def test_rate_limit_per_address_sends_no_more_mail(outbox: Path) -> None:
    from optout.portal.app import create_app
    from optout.portal.config import PortalConfig

    app = create_app(PortalConfig(address_limit_per_hour=2), send_mail=False)
    with TestClient(app) as limited:
        codes = {limited.post("/api/v1/objections",
                              json={"email": EMAIL, "country": "DE"}).status_code
                 for _ in range(4)}  # fmt: skip
        registry = app.state.portal.registry
        with registry.read_session() as session:
            from optout.registry.outbox import mail_counts

            assert mail_counts(session)["pending"] == 2
    assert codes == {202}


def test_openapi_describes_the_objections_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/api/v1/objections"]["post"]
    assert "202" in operation["responses"]
    schema = spec["components"]["schemas"]["ObjectionRequest"]
    assert {"email", "country", "reason", "names", "handles", "notice_token"} <= set(
        schema["properties"]
    )
