"""Pages (or JSON) that explain what went wrong: bad links, expired forms, rate limits, 404."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from optout.portal.i18n import language
from optout.portal.links import LinkProblem
from optout.portal.pages import CsrfRefused, RateLimited
from optout.portal.rendering import render, request_language

RETRY_AFTER_S = "60"


def _texts(_: Callable[..., str]) -> dict[str, tuple[str, str, str, str]]:
    """Per problem: title, explanation, link label, link target."""
    again = _("Start again")
    return {
        "expired": (_("This link has expired"), _("Links in our emails work for a limited "
                    "time. Send your objection again to get a new link."), again, "/object"),
        "used": (_("This link has already been used"), _("Each link works once. If you pressed "
                 "the button, your objection is confirmed: the email we sent you afterwards has "
                 "a link to its status."), again, "/object"),
        "invalid": (_("This link does not work"), _("The link may be incomplete. Copy the whole "
                    "link from the email into your browser, or start again."), again, "/object"),
        "withdrawn": (_("This objection was withdrawn"), _("You withdrew this objection, so it "
                      "cannot be confirmed. You can object again at any time."),
                      _("Object again"), "/object"),
        "csrf": (_("Your session has expired"), _("For your security, forms expire. Go back, "
                 "reload the page and try again."), again, "/object"),
        "rate": (_("Too many requests"), _("Please wait a minute and try again."), again,
                 "/object"),
        "not_found": (_("Page not found"), _("If you typed the web address, check it is "
                      "correct."), _("Go to the start page"), "/"),
    }  # fmt: skip


STATUS = {"expired": 410, "used": 410, "invalid": 404, "withdrawn": 409, "csrf": 403,
          "rate": 429, "not_found": 404}  # fmt: skip


def problem_page(request: Request, problem: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": problem}, status_code=STATUS[problem],
                            headers=_headers(problem))  # fmt: skip
    _ = language(request_language(request)).gettext
    title, explanation, label, href = _texts(_)[problem]
    response = render(request, "problem.html", status_code=STATUS[problem], title=title,
                      explanation=explanation, next_label=label, next_href=href)  # fmt: skip
    response.headers.update(_headers(problem))
    return response


def _headers(problem: str) -> dict[str, str]:
    return {"retry-after": RETRY_AFTER_S} if problem == "rate" else {}


def install_problem_handlers(app: FastAPI) -> None:
    """Turn the portal's exceptions into pages that explain themselves."""

    async def link(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LinkProblem)
        return problem_page(request, exc.reason)

    async def csrf(request: Request, _exc: Exception) -> Response:
        return problem_page(request, "csrf")

    async def rate(request: Request, _exc: Exception) -> Response:
        return problem_page(request, "rate")

    async def http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return problem_page(request, "not_found")
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)

    app.add_exception_handler(LinkProblem, link)
    app.add_exception_handler(CsrfRefused, csrf)
    app.add_exception_handler(RateLimited, rate)
    app.add_exception_handler(HTTPException, http)
