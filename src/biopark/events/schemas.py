"""API and form schemas of events, invitees, registrations and results."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from biopark.events.models import EventKind, RegistrationSource
from biopark.investment.schemas import Phone


def _trim(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class EventCreate(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    kind: EventKind
    starts_on: date
    ends_on: date
    city: str = Field(min_length=1, max_length=50)
    place: str = Field(min_length=1, max_length=200)
    description: Annotated[str | None, Field(max_length=5000)] = None
    capacity: Annotated[int | None, Field(ge=1, le=100000)] = None

    _strip = field_validator("name", "city", "place", mode="before")(_trim)

    @model_validator(mode="after")
    def _dates(self) -> EventCreate:
        if self.ends_on < self.starts_on:
            raise ValueError("结束日期不能早于开始日期")
        return self


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    kind: EventKind
    starts_on: date
    ends_on: date
    city: str
    place: str
    description: str | None
    capacity: int | None
    signup_open: bool
    is_demo: bool


class InviteeCreate(BaseModel):
    company: str = Field(min_length=2, max_length=200)
    contact_name: Annotated[str | None, Field(max_length=60)] = None
    phone: Annotated[str | None, Field(max_length=20)] = None
    note: Annotated[str | None, Field(max_length=300)] = None


class InviteeRead(InviteeCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: int


class RegistrationCreate(BaseModel):
    name: str = Field(min_length=1, max_length=60)
    company: str = Field(min_length=2, max_length=200)
    title: Annotated[str | None, Field(max_length=60)] = None
    phone: Phone

    _strip = field_validator("name", "company", "title", mode="before")(_trim)


class PublicSignup(RegistrationCreate):
    """The public sign-up as JSON; `website` is a honeypot people never fill."""

    consent: bool = False
    website: str | None = Field(default=None, max_length=200)


class RegistrationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: int
    name: str
    company: str
    title: str | None
    phone: str
    source: RegistrationSource
    checked_in_at: datetime | None
    lead_id: int | None
    created_at: datetime


class CheckIn(BaseModel):
    phone: Phone


class LeadAttach(BaseModel):
    lead_id: int


class EventResult(BaseModel):
    event_id: int
    name: str
    registrations: int
    checked_in: int
    leads: int
    signed_projects: int
    agreed_investment: Decimal
