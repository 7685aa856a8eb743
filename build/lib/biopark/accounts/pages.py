"""User administration pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from biopark.accounts import service
from biopark.accounts.deps import SessionDep, require_roles
from biopark.accounts.models import Role, User
from biopark.registry import NavItem
from biopark.web.i18n import register
from biopark.web.templating import render

router = APIRouter(include_in_schema=False)

NAV = [
    NavItem(
        "用户",
        "/users",
        frozenset({Role.admin.value}),
        order=900,
        description="账号、角色与权限管理",
    )
]
register({"账号、角色与权限管理": "Accounts, roles and permissions"})

Admin = Annotated[User, Depends(require_roles(Role.admin))]


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, user: Admin, session: SessionDep) -> Response:
    users = service.list_users(session, park_id=user.park_id)
    return render(request, "accounts/users.html", {"users": users})
