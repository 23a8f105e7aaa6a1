"""The JSON API under /api/v1/ (described at /openapi.json)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from optout.portal import flows
from optout.portal.forms import parse_form
from optout.portal.pages import RateLimited, client_ip, portal_of
from optout.portal.rendering import request_language

router = APIRouter(prefix="/api/v1", tags=["objections"])
ACCEPTED_DETAIL = (
    "If the address is valid, an email is on its way: an objection takes effect once it is "
    "confirmed through the link in it (or at once with a valid notice_token)."
)


class ObjectionRequest(BaseModel):
    """An objection to AI training (GDPR art. 21)."""

    email: str = Field(max_length=320, description="Your email address; the link is sent there")
    country: str = Field(max_length=2, description="ISO 3166-1 alpha-2, an EU/EEA country")
    reason: str | None = Field(default=None, max_length=2000)
    names: list[str] = Field(
        default_factory=list, max_length=5, description="Other names you are known by"
    )
    handles: list[str] = Field(default_factory=list, max_length=5)
    notice_token: str | None = Field(default=None, description="From a notice email's link")


class Accepted(BaseModel):
    """The same answer whether or not the address is known."""

    status: Literal["accepted"] = "accepted"
    detail: str = ACCEPTED_DETAIL


ACCEPTED_BODY = Accepted().model_dump_json().encode()  # the same for everyone: made once


class FieldError(BaseModel):
    field: str
    message: str


class Invalid(BaseModel):
    errors: list[FieldError]


@router.post(
    "/objections",
    status_code=202,
    response_model=Accepted,
    responses={422: {"model": Invalid}, 429: {"description": "Too many requests"}},
)
async def create_objection(request: Request, body: ObjectionRequest) -> Response:
    """Record an objection and email its confirmation link (or confirm it with a notice).

    Answered once the objection and its email are committed (group commit: the request
    waits on the event loop, holding no thread)."""
    portal = portal_of(request)
    if not portal.ip_limiter.allow(client_ip(request)):
        raise RateLimited
    form = parse_form({
        "email": body.email, "country": body.country, "reason": body.reason,
        "names": "\n".join(body.names), "handles": " ".join(body.handles),
    })  # fmt: skip
    if form.errors:
        errors = [FieldError(field=f, message=m).model_dump() for f, m in form.errors.items()]
        return JSONResponse({"errors": errors}, status_code=422)
    await flows.request_objection_async(portal, form, request_language(request), source="api",
                                        notice_token=body.notice_token)  # fmt: skip
    return Response(ACCEPTED_BODY, status_code=202, media_type="application/json")
