"""User administration pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from biopark.accounts import service, totp
from biopark.accounts.deps import CurrentUser, SessionDep, require_roles
from biopark.accounts.models import Role, User
from biopark.config import get_settings
from biopark.errors import BioparkError
from biopark.registry import NavItem
from biopark.web.flash import flash
from biopark.web.i18n import register
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)

NAV = [
    NavItem(
        "用户",
        "/users",
        frozenset({Role.admin.value}),
        order=900,
        description="账号、角色与权限管理",
        group="管理",
    )
]
register({"账号、角色与权限管理": "Accounts, roles and permissions"})

Admin = Annotated[User, Depends(require_roles(Role.admin))]


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, user: Admin, session: SessionDep) -> Response:
    users = service.list_users(session, park_id=user.park_id)
    return render(request, "accounts/users.html", {"users": users})


TOTP_ROLES = frozenset({Role.admin, Role.leader})
register(
    {
        "两步验证": "Two-factor sign-in",
        "两步验证已启用": "Two-factor sign-in is on",
        "两步验证码（已启用时填写）": "One-time code (if two-factor is on)",
        "用手机上的身份验证器扫描二维码，然后输入它显示的 6 位验证码。": (
            "Scan the code with an authenticator app, then enter the 6 digits it shows."
        ),
        "无法扫码时手动输入密钥": "Key to type in if you cannot scan",
        "验证码": "Code",
        "启用": "Turn on",
        "已启用：登录时需输入身份验证器中的验证码。": (
            "On: sign-in asks for the code from your authenticator app."
        ),
    }
)


def needs_totp_enrolment(user: User) -> bool:
    """Whether sign-in must lead this user to the enrolment page first."""
    return get_settings().totp_required and user.role in TOTP_ROLES and not user.totp_secret


@router.get("/account/2fa", response_class=HTMLResponse)
def totp_page(request: Request, user: CurrentUser) -> Response:
    ctx: dict[str, object] = {"enabled": bool(user.totp_secret)}
    if not user.totp_secret:
        secret = request.session.get("totp_pending")
        if not isinstance(secret, str):
            secret = totp.new_secret()
            request.session["totp_pending"] = secret
        ctx.update(secret=secret, qr=Markup(totp.qr_svg(secret, username=user.username)))
    return render(request, "accounts/totp.html", ctx)


@router.post("/account/2fa", response_class=HTMLResponse)
def totp_enable(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    secret = request.session.get("totp_pending")
    code = str(form_of(request).get("code") or "")
    if not isinstance(secret, str):
        return RedirectResponse("/account/2fa", status_code=303)
    try:
        service.enable_totp(session, user=user, secret=secret, code=code)
    except BioparkError as exc:
        ctx = {
            "enabled": False,
            "secret": secret,
            "qr": Markup(totp.qr_svg(secret, username=user.username)),
            "error": exc.text(lang_of(request)),
        }
        return render(request, "accounts/totp.html", ctx, 422)
    request.session.pop("totp_pending", None)
    flash(request, "两步验证已启用", level="success")
    return RedirectResponse("/", status_code=303)
