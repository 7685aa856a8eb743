"""Request dependencies: the current user, role checks and CSRF."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from biopark.accounts import service, sessions
from biopark.accounts.models import Role, User, UserView
from biopark.db import get_session
from biopark.errors import AuthRequired, Forbidden

# scope="function": commit before the response goes out, so that the page a POST
# redirects to already sees what the POST wrote (the default commits afterwards).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


async def verify_csrf(request: Request) -> None:
    """Reject a state-changing request made with the session cookie but without its token."""
    if request.method in SAFE_METHODS or _bearer(request):
        return
    expected = request.session.get("csrf")
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not secrets.compare_digest(str(expected), sent):
        raise Forbidden(
            "表单已过期，请刷新页面后重试", en="Form expired; reload the page and retry"
        )


def optional_user(request: Request, session: SessionDep) -> User | None:
    """The user from a bearer token or the page session, if any."""
    token = _bearer(request)
    user: User | None = None
    if token:
        user = service.user_for_token(session, token=token)
        if user is None:
            raise AuthRequired("令牌无效或已过期", en="Invalid or expired token")
    else:
        key = request.session.get("sk")
        if isinstance(key, str):
            user = sessions.session_user(session, key=key)
            if user is None:
                request.session.clear()
        elif "uid" in request.session:
            # A cookie from before server-side sessions: sign in again.
            request.session.clear()
    # A detached snapshot: error pages render after the request's session rolled back.
    request.state.user = UserView.of(user) if user is not None else None
    return user


async def current_user(
    request: Request, user: Annotated[User | None, Depends(optional_user)]
) -> User:
    """The signed-in user; CSRF is checked for cookie-authenticated writes."""
    if user is None:
        raise AuthRequired()
    await verify_csrf(request)
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_roles(*roles: Role) -> Callable[[User], User]:
    """A dependency that lets only the given roles through."""
    allowed = set(roles)

    def check(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise Forbidden()
        return user

    return check


def client_address(request: Request) -> str:
    """The client's address as seen by this server."""
    return request.client.host if request.client else "unknown"
