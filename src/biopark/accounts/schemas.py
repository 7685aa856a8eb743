"""API schemas for accounts."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from biopark.accounts.models import Role


class UserCreate(BaseModel):
    username: str = Field(min_length=3, max_length=60, pattern=r"^[A-Za-z0-9_.-]+$")
    display_name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=200)
    role: Role
    enterprise_id: int | None = None
    department_id: int | None = None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    park_id: int
    username: str
    display_name: str
    role: Role
    active: bool
    enterprise_id: int | None
    department_id: int | None


class TokenRequest(BaseModel):
    username: str = Field(max_length=60)
    password: str = Field(max_length=200)
    otp: str | None = Field(default=None, max_length=10, description="TOTP code, if enrolled")
    name: str = Field(default="api", max_length=100)


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    user: UserRead


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=200)
    new_password: str = Field(max_length=200)
