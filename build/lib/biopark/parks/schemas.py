"""API schemas for parks and departments."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ParkCreate(BaseModel):
    code: str = Field(min_length=2, max_length=40, pattern=r"^[a-z0-9-]+$")
    name: str = Field(min_length=2, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    district: str | None = Field(default=None, max_length=100)
    city: str | None = Field(default=None, max_length=100)


class ParkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    name_en: str | None
    district: str | None
    city: str | None


class DepartmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    short_name: str | None
    level: str
