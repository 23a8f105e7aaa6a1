"""The portal's HTML pages: start, form, check your email, confirm, status, withdrawal."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from optout.portal import flows
from optout.portal.forms import ObjectionForm, parse_form
from optout.portal.rendering import render, request_language
from optout.portal.security import CSRF_COOKIE

router = APIRouter(include_in_schema=False)
FORM_COOKIE = "optout_form"
FORM_COOKIE_TTL_S = 3600


class CsrfRefused(Exception):
    """A form came without a valid CSRF token."""


class RateLimited(Exception):
    """Too many submissions from one client."""


def portal_of(request: Request) -> flows.Portal:
    return request.app.state.portal


def csrf_checked(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    """Refuse a POST whose token does not match the visitor's CSRF cookie."""
    if not request.app.state.csrf.valid(request.cookies.get(CSRF_COOKIE), csrf_token):
        raise CsrfRefused


def ip_limited(request: Request) -> None:
    """Refuse more submissions per minute from one IP than the configured limit."""
    if not portal_of(request).ip_limiter.allow(client_ip(request)):
        raise RateLimited


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


Protected = [Depends(ip_limited), Depends(csrf_checked)]


def _form_cookie(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.settings_secret, salt="optout.portal.form")


def saved_form(request: Request) -> dict[str, Any] | None:
    """The last form sent from this browser (signed cookie), if any."""
    raw = request.cookies.get(FORM_COOKIE)
    if not raw:
        return None
    try:
        return _form_cookie(request).loads(raw, max_age=FORM_COOKIE_TTL_S)
    except BadSignature:
        return None


def _secure(request: Request) -> bool:
    return portal_of(request).config.secure_cookies


@router.get("/")
def start(request: Request) -> Response:
    return render(request, "start.html", secure=_secure(request))


@router.get("/object")
def objection_form(request: Request, change: int = 0) -> Response:
    values = (saved_form(request) or {}) if change else {}
    values.pop("notice_token", None)
    form = ObjectionForm(**values)
    return render(request, "form.html", form=form, notice_token=None, secure=_secure(request))


@router.get("/notice/{token}")
def notice_form(request: Request, token: str) -> Response:
    portal_of(request).signer.load(token, "notice")
    return render(request, "form.html", form=ObjectionForm(), notice_token=token,
                  secure=_secure(request))  # fmt: skip


@router.post("/object", dependencies=Protected)
def send_objection(
    request: Request,
    email: Annotated[str, Form()] = "",
    country: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    names: Annotated[str, Form()] = "",
    handles: Annotated[str, Form()] = "",
    notice_token: Annotated[str, Form()] = "",
) -> Response:
    form = parse_form({"email": email, "country": country, "reason": reason, "names": names,
                       "handles": handles})  # fmt: skip
    if form.errors:
        return render(request, "form.html", status_code=400, form=form, errors=form.errors,
                      notice_token=notice_token or None, secure=_secure(request))  # fmt: skip
    view = flows.request_objection(portal_of(request), form, request_language(request),
                                   source="portal", notice_token=notice_token or None)  # fmt: skip
    target = f"/confirmed/{view.status_token}" if view else "/check-email"
    response = RedirectResponse(target, status_code=303)
    cookie = _form_cookie(request).dumps(form.values())
    response.set_cookie(FORM_COOKIE, cookie, max_age=FORM_COOKIE_TTL_S, httponly=True,
                        samesite="lax", secure=_secure(request))  # fmt: skip
    return response


@router.get("/check-email")
def check_email(request: Request, resent: int = 0) -> Response:
    values = saved_form(request)
    if not values:
        return RedirectResponse("/object", status_code=303)
    return render(request, "check_email.html", email=values["email"], resent=bool(resent),
                  secure=_secure(request))  # fmt: skip


@router.post("/check-email/resend", dependencies=Protected)
def resend(request: Request) -> Response:
    values = saved_form(request)
    if not values:
        return RedirectResponse("/object", status_code=303)
    form = parse_form(values)
    if not form.errors:
        flows.request_objection(portal_of(request), form, request_language(request),
                                source="portal", notice_token=None)  # fmt: skip
    return RedirectResponse("/check-email?resent=1", status_code=303)


@router.get("/confirm/{token}")
def confirm_page(request: Request, token: str) -> Response:
    flows.check_confirm_link(portal_of(request), token)
    return render(request, "confirm.html", token=token, secure=_secure(request))


@router.post("/confirm", dependencies=[Depends(csrf_checked)])
def confirm(request: Request, token: Annotated[str, Form()] = "") -> Response:
    view = flows.confirm(portal_of(request), token, request_language(request))
    return RedirectResponse(f"/confirmed/{view.status_token}", status_code=303)


@router.get("/confirmed/{token}")
def confirmed(request: Request, token: str) -> Response:
    view = flows.status(portal_of(request), token)
    return render(request, "confirmed.html", view=view, secure=_secure(request))


@router.get("/status/{token}")
def status(request: Request, token: str) -> Response:
    view, uses = flows.status_with_lineage(portal_of(request), token)
    return render(request, "status.html", view=view, status_label=_status_label(request, view),
                  uses=uses, secure=_secure(request))  # fmt: skip


def _status_label(request: Request, view: flows.ObjectionView) -> str:
    from optout.portal.i18n import language

    _ = language(request_language(request)).gettext
    labels = {"pending": lambda: _("Waiting for confirmation"), "confirmed": lambda: _("Confirmed"),
              "withdrawn": lambda: _("Withdrawn")}  # fmt: skip
    return labels[view.status]()


@router.post("/withdraw", dependencies=[Depends(csrf_checked)])
def withdraw(request: Request, token: Annotated[str, Form()] = "") -> Response:
    flows.withdraw(portal_of(request), token)
    return RedirectResponse("/withdrawn", status_code=303)


@router.get("/withdrawn")
def withdrawn(request: Request) -> Response:
    return render(request, "withdrawn.html", secure=_secure(request))
