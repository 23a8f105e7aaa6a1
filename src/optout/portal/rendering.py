"""Page rendering: the Jinja2 environment, the request's language and its CSRF cookie."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date
from fastapi import Request
from fastapi.responses import HTMLResponse

from optout.portal.forms import COUNTRIES
from optout.portal.i18n import AUTONYMS, LANGUAGES, Language, language, negotiate
from optout.portal.security import CSRF_COOKIE, Csrf

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANG_COOKIE = "optout_lang"
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def request_language(request: Request) -> str:
    """The language asked for by ``?lang=``, else the cookie, else Accept-Language."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return negotiate(request.headers.get("accept-language"))


def render(
    request: Request, template: str, *, status_code: int = 200, secure: bool = False,
    **context: Any,
) -> HTMLResponse:  # fmt: skip
    """Render a page in the request's language, with a CSRF token for its forms."""
    lang = language(request_language(request))
    csrf: Csrf = request.app.state.csrf
    cookie = request.cookies.get(CSRF_COOKIE) or csrf.new_cookie()
    html = _ENV.get_template(template).render(
        _=lang.gettext, lang=lang.code, languages=[(c, AUTONYMS[c]) for c in LANGUAGES],
        csrf_token=csrf.form_token(cookie), countries=countries(lang),
        country_name=lang.country_name, date=lambda value: _date(value, lang),
        errors=context.pop("errors", {}), **context,
    )  # fmt: skip
    response = HTMLResponse(html, status_code=status_code)
    response.headers["content-language"] = lang.code
    if request.cookies.get(CSRF_COOKIE) != cookie:
        response.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="lax", secure=secure)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang.code, max_age=31_536_000, samesite="lax",
                            secure=secure)  # fmt: skip
    return response


def countries(lang: Language) -> list[tuple[str, str]]:
    """The EU/EEA countries, named and sorted in ``lang``."""
    return sorted(((code, lang.country_name(code)) for code in COUNTRIES),
                  key=lambda item: item[1].casefold())  # fmt: skip


def _date(value: datetime | None, lang: Language) -> str:
    return format_date(value, format="long", locale=lang.code) if value else ""
