"""The public consultation page reached by the park's QR code (no sign-in)."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from biopark.accounts.deps import SessionDep, client_address
from biopark.errors import BioparkError
from biopark.investment import qr, service
from biopark.investment.config import get_investment_settings
from biopark.investment.schemas import ConsultationCreate
from biopark.parks import service as parks
from biopark.web.forms import error_messages, parse_form
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)

FIELDS = (
    "company",
    "contact_name",
    "phone",
    "industry",
    "chain_link",
    "intended_investment",
    "intended_land_mu",
    "message",
)
LABELS = {
    "company": "企业名称",
    "contact_name": "联系人",
    "phone": "手机号码",
    "industry": "所属行业",
    "chain_link": "产业链环节",
    "intended_investment": "意向投资额",
    "intended_land_mu": "意向用地（亩）",
    "message": "留言",
}
CHAIN_LINKS = (
    "药物发现及CRO",
    "原料药及中间体",
    "抗体药物",
    "细胞与基因治疗",
    "核酸药物",
    "疫苗",
    "化学药制剂",
    "现代中药",
    "医疗器械",
    "CDMO及生产制造",
    "临床试验及GCP",
    "医药流通",
    "其他",
)


def _page(request: Request, park: Any, values: dict[str, Any], **ctx: Any) -> Response:
    status = ctx.pop("status", 200)
    return render(
        request,
        "investment/consult.html",
        {
            "park": park,
            "values": values,
            "chain_links": CHAIN_LINKS,
            "hours": get_investment_settings().first_contact_hours,
            "retention_days": get_investment_settings().lead_retention_days,
            "notice_version": service.PRIVACY_NOTICE_VERSION,
            **ctx,
        },
        status,
    )


@router.get("/consult/{park_code}", response_class=HTMLResponse)
def consult_form(request: Request, park_code: str, session: SessionDep) -> Response:
    park = parks.get_park_by_code(session, code=park_code)
    return _page(request, park, {})


@router.post("/consult/{park_code}", response_class=HTMLResponse)
def consult_submit(request: Request, park_code: str, session: SessionDep) -> Response:
    park = parks.get_park_by_code(session, code=park_code)
    form = form_of(request)
    values: dict[str, Any] = {k: (v if isinstance(v := form.get(k), str) else None) for k in FIELDS}
    en = lang_of(request) == "en"
    if form.get("website"):
        # A bot filled the hidden field: thank it and keep nothing.
        return _page(request, park, {}, done=True, lead=None)
    sent = form.get("csrf_token")
    expected = request.session.get("csrf")
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(str(expected), sent):
        # An expired page must not cost the visitor what they typed: show it again to resend.
        note = "Page expired; please submit again" if en else "页面已过期，请再次点击提交"
        return _page(request, park, values, errors=[note], status=400)
    consent = form.get("consent") in ("on", "true", "1")
    values["consent"] = "on" if consent else None
    try:
        data = parse_form(ConsultationCreate, values)
    except ValidationError as exc:
        errors = error_messages(exc, LABELS, lang_of(request))
        return _page(request, park, values, errors=errors, status=422)
    try:
        lead = service.submit_consultation(
            session, park=park, data=data, address=client_address(request), consent=consent
        )
    except BioparkError as exc:
        # What the visitor typed stays on the page; nothing of it is lost.
        return _page(request, park, values, errors=[exc.text(lang_of(request))], status=exc.status)
    return _page(request, park, {}, done=True, lead=lead)


@router.get("/consult/{park_code}/qr.{kind}")
def consult_qr(request: Request, park_code: str, kind: str, session: SessionDep) -> Response:
    park = parks.get_park_by_code(session, code=park_code)
    if kind not in ("png", "svg"):
        return Response(status_code=404)
    url = qr.consult_url(str(request.base_url), park.code)
    media = "image/png" if kind == "png" else "image/svg+xml"
    return Response(
        qr.qr_bytes(url, kind),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="consult-{park.code}.{kind}"'},
    )
