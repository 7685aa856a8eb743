"""The public sign-up page of an event, reached by its QR code (no sign-in).

Hardened like the consultation page: CSRF token from the session, a honeypot field,
schema validation with the visitor's input kept on the page, PIPL consent, a
per-address limit per hour (atomic counter shared with the consultation page) and
one sign-up per phone number.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from biopark.accounts.deps import SessionDep, client_address
from biopark.config import get_settings
from biopark.errors import BioparkError, RateLimited, ValidationFailed
from biopark.events import service
from biopark.events.i18n import LABELS
from biopark.events.models import Event, Registration, RegistrationSource
from biopark.events.schemas import RegistrationCreate
from biopark.investment import qr
from biopark.investment.consult import bump
from biopark.kit.dates import now_utc
from biopark.web.forms import error_messages, parse_form
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)

FIELDS = ("name", "company", "title", "phone")
# Sign-ups accepted from one address per hour; a venue's Wi-Fi stays well under it.
ADDRESS_LIMIT = 60


def signup_url(base_url: str, code: str) -> str:
    """The public sign-up page of an event."""
    return f"{base_url.rstrip('/')}/signup/{code}"


def _bucket(address: str) -> str:
    key = get_settings().resolved_secret_key().encode()
    return "event-addr:" + hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:64]


def public_signup(
    session: Session,
    *,
    event: Event,
    data: RegistrationCreate,
    address: str,
    consent: bool,
    now: datetime | None = None,
) -> Registration:
    """Check consent and the per-address limit, then register the visitor."""
    if not consent:
        raise ValidationFailed(
            "请阅读并勾选同意《个人信息保护说明》后再报名",
            en="Please read and accept the privacy notice before signing up",
        )
    now = now or now_utc()
    hour = now.replace(minute=0, second=0, microsecond=0)
    if not bump(session, bucket=_bucket(address), window_start=hour, limit=ADDRESS_LIMIT):
        raise RateLimited(
            "当前网络报名次数过多，请稍后再试或联系会务人员现场登记",
            en="Too many sign-ups from this network; try later or register at the desk",
        )
    return service.register(
        session, event=event, data=data, source=RegistrationSource.public, now=now
    )


def _page(request: Request, event: Event, values: dict[str, Any], **ctx: Any) -> Response:
    status = ctx.pop("status", 200)
    return render(request, "events/signup.html", {"event": event, "values": values, **ctx}, status)


@router.get("/signup/{code}", response_class=HTMLResponse)
def signup_form(request: Request, code: str, session: SessionDep) -> Response:
    return _page(request, service.event_by_code(session, code=code), {})


@router.post("/signup/{code}", response_class=HTMLResponse)
def signup_submit(request: Request, code: str, session: SessionDep) -> Response:
    event = service.event_by_code(session, code=code)
    form = form_of(request)
    values: dict[str, Any] = {k: (v if isinstance(v := form.get(k), str) else None) for k in FIELDS}
    lang = lang_of(request)
    if form.get("website"):
        # A bot filled the hidden field: thank it and keep nothing.
        return _page(request, event, {}, done=True, registration=None)
    sent = form.get("csrf_token")
    expected = request.session.get("csrf")
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(str(expected), sent):
        note = "Page expired; please submit again" if lang == "en" else "页面已过期，请再次点击提交"
        return _page(request, event, values, errors=[note], status=400)
    consent = form.get("consent") in ("on", "true", "1")
    values["consent"] = "on" if consent else None
    try:
        data = parse_form(RegistrationCreate, values)
    except ValidationError as exc:
        errors = error_messages(exc, LABELS, lang)
        return _page(request, event, values, errors=errors, status=422)
    try:
        reg = public_signup(
            session, event=event, data=data, address=client_address(request), consent=consent
        )
    except BioparkError as exc:
        return _page(request, event, values, errors=[exc.text(lang)], status=exc.status)
    return _page(request, event, {}, done=True, registration=reg)


@router.get("/signup/{code}/qr.{kind}")
def signup_qr(request: Request, code: str, kind: str, session: SessionDep) -> Response:
    event = service.event_by_code(session, code=code)
    if kind not in ("png", "svg"):
        return Response(status_code=404)
    media = "image/png" if kind == "png" else "image/svg+xml"
    return Response(
        qr.qr_bytes(signup_url(str(request.base_url), event.code), kind),
        media_type=media,
        headers={"Content-Disposition": f'inline; filename="signup-{event.id}.{kind}"'},
    )
