"""Investment-promotion events, their invitees and registrations, and the leads they brought."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from biopark.kit.models import Base, IdMixin, ParkMixin, TimestampMixin, UTCDateTime


class EventKind(enum.StrEnum):
    conference = "大会"
    forum = "论坛"
    roadshow = "异地路演"
    city_visit = "城市考察"


class RegistrationSource(enum.StrEnum):
    public = "扫码报名"
    staff = "工作人员登记"


_kind = Enum(
    EventKind, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]
)
_source = Enum(
    RegistrationSource, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]
)


class Event(IdMixin, TimestampMixin, ParkMixin, Base):
    """A conference, forum, roadshow in another city or a city visit, over one or more days."""

    __tablename__ = "promo_event"
    __table_args__ = (UniqueConstraint("code", name="uq_promo_event_code"),)

    # The random, unguessable part of the public sign-up address.
    code: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[EventKind] = mapped_column(_kind)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    city: Mapped[str] = mapped_column(String(50))
    place: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    capacity: Mapped[int | None] = mapped_column(Integer)
    signup_open: Mapped[bool] = mapped_column(Boolean, default=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class Invitee(IdMixin, TimestampMixin, ParkMixin, Base):
    """A company or person the park invites to an event."""

    __tablename__ = "promo_event_invitee"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("promo_event.id", ondelete="CASCADE"), index=True
    )
    company: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str | None] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(300))


class Registration(IdMixin, TimestampMixin, ParkMixin, Base):
    """One person signed up for an event; one phone number signs up once."""

    __tablename__ = "promo_event_registration"
    __table_args__ = (
        UniqueConstraint("event_id", "phone", name="uq_promo_event_registration_phone"),
    )

    event_id: Mapped[int] = mapped_column(
        ForeignKey("promo_event.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(60))
    company: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(20))
    source: Mapped[RegistrationSource] = mapped_column(_source, default=RegistrationSource.public)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_in_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("investment_lead.id", ondelete="SET NULL")
    )


class EventLead(IdMixin, TimestampMixin, ParkMixin, Base):
    """A lead attributed to an event; a lead counts for one event only."""

    __tablename__ = "promo_event_lead"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("promo_event.id", ondelete="CASCADE"), index=True
    )
    lead_id: Mapped[int] = mapped_column(
        ForeignKey("investment_lead.id", ondelete="CASCADE"), unique=True
    )
