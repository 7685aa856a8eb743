"""Events: create, invite, register (public or staff), check in on the day, attribute leads."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.audit import service as audit
from biopark.errors import Conflict, NotFound, ValidationFailed
from biopark.events.models import Event, EventLead, Invitee, Registration, RegistrationSource
from biopark.events.schemas import EventCreate, EventResult, InviteeCreate, RegistrationCreate
from biopark.investment import leads as lead_service
from biopark.investment.access import check_access
from biopark.investment.models import REGISTERED_OR_LATER, Lead, Project, Stage
from biopark.investment.schemas import LeadCreate
from biopark.kit.dates import now_utc, today

ENTITY_EVENT = "promo_event"
# 签约 and every stage after it count as a signed project.
SIGNED_STAGES = frozenset({Stage.signed, *REGISTERED_OR_LATER})


def list_events(session: Session, *, user: User) -> list[Event]:
    """The park's events, newest first."""
    check_access(user)
    stmt = select(Event).where(Event.park_id == user.park_id)
    return list(session.scalars(stmt.order_by(Event.starts_on.desc(), Event.id.desc())))


def get_event(session: Session, *, user: User, event_id: int) -> Event:
    """One event of the user's park."""
    check_access(user)
    event = session.get(Event, event_id)
    if event is None or event.park_id != user.park_id:
        raise NotFound("活动不存在", en="Event not found")
    return event


def event_by_code(session: Session, *, code: str) -> Event:
    """The event behind a public sign-up address."""
    event = session.scalar(select(Event).where(Event.code == code)) if len(code) <= 24 else None
    if event is None:
        raise NotFound("活动不存在", en="Event not found")
    return event


def create_event(session: Session, *, user: User, data: EventCreate) -> Event:
    """Plan a conference, forum, roadshow or city visit; it gets its own sign-up address."""
    check_access(user)
    if data.ends_on < today():
        raise ValidationFailed("活动日期已过", en="The event's dates are in the past")
    event = Event(
        park_id=user.park_id, code=secrets.token_urlsafe(9), owner_id=user.id, **data.model_dump()
    )
    session.add(event)
    session.flush()
    audit.record(
        session,
        actor=user,
        action="create",
        entity_type=ENTITY_EVENT,
        entity_id=event.id,
        park_id=event.park_id,
        changes={"name": event.name, "kind": event.kind.value, "starts_on": str(event.starts_on)},
    )
    return event


def set_signup(session: Session, *, user: User, event_id: int, open_: bool) -> Event:
    """Open or close the public sign-up."""
    event = get_event(session, user=user, event_id=event_id)
    if event.signup_open == open_:
        raise Conflict(
            "报名已开放" if open_ else "报名已关闭",
            en="Sign-up is already open" if open_ else "Sign-up is already closed",
        )
    event.signup_open = open_
    audit.record(
        session,
        actor=user,
        action="signup_open" if open_ else "signup_close",
        entity_type=ENTITY_EVENT,
        entity_id=event.id,
        park_id=event.park_id,
    )
    session.flush()
    return event


def add_invitee(session: Session, *, user: User, event_id: int, data: InviteeCreate) -> Invitee:
    """Put a company on the event's invitation list."""
    event = get_event(session, user=user, event_id=event_id)
    invitee = Invitee(park_id=event.park_id, event_id=event.id, **data.model_dump())
    session.add(invitee)
    session.flush()
    return invitee


def list_invitees(session: Session, *, user: User, event_id: int) -> list[Invitee]:
    """The invitation list."""
    get_event(session, user=user, event_id=event_id)
    return list(
        session.scalars(select(Invitee).where(Invitee.event_id == event_id).order_by(Invitee.id))
    )


def register(
    session: Session,
    *,
    event: Event,
    data: RegistrationCreate,
    source: RegistrationSource,
    now: datetime | None = None,
) -> Registration:
    """Sign one person up; refused when sign-up is closed, the event is over, full or a repeat."""
    now = now or now_utc()
    if not event.signup_open:
        raise Conflict("该活动报名已关闭", en="Sign-up for this event is closed")
    if event.ends_on < today():
        raise Conflict("该活动已结束", en="This event is over")
    if session.scalar(
        select(Registration.id).where(
            Registration.event_id == event.id, Registration.phone == data.phone
        )
    ):
        raise Conflict(
            "该手机号已报名本活动，无需重复报名", en="This phone number is already signed up"
        )
    if event.capacity is not None:
        count = session.scalar(
            select(func.count(Registration.id)).where(Registration.event_id == event.id)
        )
        if (count or 0) >= event.capacity:
            raise Conflict("报名人数已满", en="The event is full")
    reg = Registration(
        park_id=event.park_id,
        event_id=event.id,
        source=source,
        consent_at=now if source == RegistrationSource.public else None,
        created_at=now,
        **data.model_dump(),
    )
    try:
        with session.begin_nested():
            session.add(reg)
            session.flush()
    except IntegrityError:
        # The same phone signed up in a concurrent request.
        raise Conflict(
            "该手机号已报名本活动，无需重复报名", en="This phone number is already signed up"
        ) from None
    return reg


def staff_register(
    session: Session, *, user: User, event_id: int, data: RegistrationCreate
) -> Registration:
    """Register someone on their behalf (at the desk or by phone)."""
    event = get_event(session, user=user, event_id=event_id)
    return register(session, event=event, data=data, source=RegistrationSource.staff)


def list_registrations(session: Session, *, user: User, event_id: int) -> list[Registration]:
    """Who signed up, in order."""
    get_event(session, user=user, event_id=event_id)
    stmt = select(Registration).where(Registration.event_id == event_id).order_by(Registration.id)
    return list(session.scalars(stmt))


def check_in(
    session: Session, *, user: User, event_id: int, phone: str, on: date | None = None
) -> Registration:
    """Check a registered person in on an event day; refuse strangers, repeats and other days."""
    event = get_event(session, user=user, event_id=event_id)
    day = on or today()
    if not event.starts_on <= day <= event.ends_on:
        raise ValidationFailed(
            f"今天不是活动日（{event.starts_on} 至 {event.ends_on}），不能签到",
            en=f"Check-in is only open on the event days ({event.starts_on} to {event.ends_on})",
        )
    reg = session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.phone == phone)
    )
    if reg is None:
        raise ValidationFailed(
            "该手机号未报名本活动，请先现场登记", en="This phone number is not registered"
        )
    if reg.checked_in_at is not None:
        raise Conflict(f"{reg.name} 已签到，请勿重复签到", en=f"{reg.name} is already checked in")
    reg.checked_in_at = now_utc()
    reg.checked_in_by = user.id
    session.flush()
    return reg


def attribute_lead(session: Session, *, user: User, event_id: int, lead_id: int) -> EventLead:
    """Credit a lead to the event; its source becomes 'event'. A lead counts for one event."""
    event = get_event(session, user=user, event_id=event_id)
    lead = session.get(Lead, lead_id)
    if lead is None or lead.park_id != user.park_id:
        raise NotFound("线索不存在", en="Lead not found")
    existing = session.scalar(select(EventLead).where(EventLead.lead_id == lead_id))
    if existing is not None:
        raise Conflict("该线索已归属一个活动", en="The lead is already credited to an event")
    link = EventLead(park_id=event.park_id, event_id=event.id, lead_id=lead.id)
    lead.source = "event"
    session.add(link)
    session.flush()
    audit.record(
        session,
        actor=user,
        action="attribute",
        entity_type="investment_lead",
        entity_id=lead.id,
        park_id=lead.park_id,
        changes={"source": "event", "event_id": event.id},
    )
    return link


def lead_from_registration(
    session: Session, *, user: User, event_id: int, registration_id: int
) -> Lead:
    """Turn a registration into a new lead credited to the event."""
    event = get_event(session, user=user, event_id=event_id)
    reg = session.get(Registration, registration_id)
    if reg is None or reg.event_id != event.id:
        raise NotFound("报名记录不存在", en="Registration not found")
    if reg.lead_id is not None:
        raise Conflict("该报名已转为线索", en="This registration is already a lead")
    lead = lead_service.create_lead(
        session,
        user=user,
        data=LeadCreate(
            company=reg.company,
            contact_name=reg.name,
            phone=reg.phone,
            source="event",
            message=f"来自活动：{event.name}",
        ),
    )
    reg.lead_id = lead.id
    attribute_lead(session, user=user, event_id=event.id, lead_id=lead.id)
    return lead


def event_leads(session: Session, *, user: User, event_id: int) -> list[Lead]:
    """Leads credited to the event."""
    get_event(session, user=user, event_id=event_id)
    stmt = (
        select(Lead)
        .join(EventLead, EventLead.lead_id == Lead.id)
        .where(EventLead.event_id == event_id)
        .order_by(Lead.id)
    )
    return list(session.scalars(stmt))


def results(session: Session, *, park_id: int, events: list[Event]) -> list[EventResult]:
    """Per event: registrations, check-ins, leads, signed projects and their agreed investment."""
    out = []
    for event in events:
        regs = session.execute(
            select(func.count(Registration.id), func.count(Registration.checked_in_at)).where(
                Registration.event_id == event.id
            )
        ).one()
        leads = session.scalar(
            select(func.count(EventLead.id)).where(EventLead.event_id == event.id)
        )
        # Distinct projects: two leads merged into one project count it once.
        projects = session.execute(
            select(Project.id, Project.agreed_investment)
            .join(Lead, Lead.project_id == Project.id)
            .join(EventLead, EventLead.lead_id == Lead.id)
            .where(
                EventLead.event_id == event.id,
                Project.park_id == park_id,
                Project.stage.in_(list(SIGNED_STAGES)),
            )
            .distinct()
        ).all()
        out.append(
            EventResult(
                event_id=event.id,
                name=event.name,
                registrations=regs[0],
                checked_in=regs[1],
                leads=leads or 0,
                signed_projects=len(projects),
                agreed_investment=sum((a or Decimal(0) for _, a in projects), Decimal(0)),
            )
        )
    return out
