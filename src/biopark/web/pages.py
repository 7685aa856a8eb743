"""Shared pages: home, sign-in and sign-out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from biopark.accounts import service as accounts
from biopark.accounts import sessions
from biopark.accounts.deps import CurrentUser, SessionDep, client_address, verify_csrf
from biopark.accounts.pages import needs_totp_enrolment
from biopark.errors import RateLimited
from biopark.parks.models import Park
from biopark.todo import service as todo
from biopark.web.flash import flash
from biopark.web.i18n import register
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)
register({"登录成功": "Signed in", "已安全退出": "Signed out"})
# The home page shows the most urgent of the user's to-do items; /todo has them all.
HOME_TODO_ITEMS = 8


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    park = session.get(Park, user.park_id)
    ctx: dict[str, object] = {"park": park, "todo": None}
    if user.role in todo.WORKING_ROLES:
        items = todo.todo_for(session, user=user)
        ctx.update(
            todo=items[:HOME_TODO_ITEMS],
            todo_total=len(items),
            todo_overdue=sum(1 for i in items if i.overdue),
        )
    return render(request, "home.html", ctx)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next": _safe_next(next)})


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(verify_csrf)])
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=60)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "/",
    otp: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    en = lang_of(request) == "en"
    ctx = {"next": _safe_next(next), "username": username}
    try:
        user = accounts.authenticate(
            session,
            username=username,
            password=password,
            otp=otp,
            address=client_address(request),
        )
    except RateLimited as exc:
        return render(request, "login.html", {**ctx, "error": exc.text(lang_of(request))}, 429)
    if user is None:
        error = "Wrong username or password" if en else "用户名或密码错误"
        return render(request, "login.html", {**ctx, "error": error}, 401)
    address = client_address(request)
    request.session.clear()
    request.session["sk"] = sessions.start_session(session, user=user, address=address)
    accounts.record_sign_in(session, user=user, address=address, method="page")
    if needs_totp_enrolment(user):
        return RedirectResponse("/account/2fa", status_code=303)
    flash(request, "登录成功")
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[Depends(verify_csrf)])
def logout(request: Request, session: SessionDep) -> Response:
    key = request.session.get("sk")
    if isinstance(key, str):
        user = sessions.end_session(session, key=key)
        if user is not None:
            accounts.record_sign_out(session, user=user, address=client_address(request))
    request.session.clear()
    flash(request, "已安全退出", level="info")
    return RedirectResponse("/login", status_code=303)
