"""Accounts API: tokens, the current user, user administration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from biopark.accounts import service
from biopark.accounts.deps import CurrentUser, SessionDep, client_address, require_roles
from biopark.accounts.models import Role, User
from biopark.accounts.schemas import (
    PasswordChange,
    TokenRead,
    TokenRequest,
    UserCreate,
    UserRead,
)
from biopark.errors import AuthRequired, ValidationFailed
from biopark.parks.models import Park
from biopark.web.templating import lang_of

router = APIRouter(prefix="/api", tags=["accounts"])

Admin = Annotated[User, Depends(require_roles(Role.admin))]


@router.post("/auth/token", response_model=TokenRead, responses={401: {}, 429: {}})
def create_token(request: Request, body: TokenRequest, session: SessionDep) -> Response | TokenRead:
    """Exchange a username and password for a bearer token."""
    user = service.authenticate(
        session,
        username=body.username,
        password=body.password,
        otp=body.otp,
        address=client_address(request),
    )
    if user is None:
        err = AuthRequired("用户名或密码错误", en="Wrong username or password")
        # Returned, not raised, so that the failed attempt is committed for the rate limit.
        return JSONResponse(
            {"error": {"code": "AuthRequired", "message": err.text(lang_of(request))}}, 401
        )
    plain, token = service.issue_token(session, user=user, name=body.name)
    service.record_sign_in(session, user=user, address=client_address(request), method="token")
    return TokenRead(
        access_token=plain, expires_at=token.expires_at, user=UserRead.model_validate(user)
    )


@router.delete("/auth/token", status_code=204)
def revoke_token(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    """Revoke the bearer token used for this request."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        service.revoke_token(session, token=header[7:].strip())
    return Response(status_code=204)


@router.get("/me", response_model=UserRead)
def me(user: CurrentUser) -> User:
    """The signed-in user."""
    return user


@router.get("/users", response_model=list[UserRead])
def list_users(user: Admin, session: SessionDep) -> list[User]:
    """Users of the admin's park."""
    return service.list_users(session, park_id=user.park_id)


@router.post("/users", response_model=UserRead, status_code=201)
def create_user(body: UserCreate, user: Admin, session: SessionDep) -> User:
    """Create a user in the admin's park."""
    park = session.get(Park, user.park_id)
    assert park is not None
    return service.create_user(session, park=park, data=body, actor=user)


@router.post("/me/password", status_code=204, responses={422: {}})
def change_password(
    request: Request, body: PasswordChange, user: CurrentUser, session: SessionDep
) -> Response:
    """Change one's own password; every other session and every API token ends."""
    if not service.verify_password(user.password_hash, body.current_password):
        raise ValidationFailed("当前密码不正确", en="The current password is wrong")
    key = request.session.get("sk")
    service.set_password(
        session,
        user=user,
        password=body.new_password,
        actor=user,
        keep_session_key=key if isinstance(key, str) else None,
    )
    return Response(status_code=204)
