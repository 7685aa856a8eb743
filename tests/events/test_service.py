"""Events: registration refusals, check-in refusals, lead attribution and results."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed
from biopark.events import public, service
from biopark.events.models import EventKind, RegistrationSource
from biopark.events.schemas import EventCreate, RegistrationCreate
from biopark.investment.models import Stage
from biopark.kit.dates import today
from tests.builders import make_park, make_user
from tests.events.builders import in_days, make_event
from tests.investment.builders import make_project
from tests.spaces.builders import make_lead


def _person(phone: str = "13900000001", name: str = "王五") -> RegistrationCreate:
    return RegistrationCreate(name=name, company="测试生物", phone=phone)


def test_create_event_and_refusals(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    event = service.create_event(
        session,
        user=officer,
        data=EventCreate(
            name="上海路演",
            kind=EventKind.roadshow,
            starts_on=in_days(5),
            ends_on=in_days(5),
            city="上海",
            place="张江",
        ),
    )
    assert len(event.code) >= 12
    with pytest.raises(ValidationFailed, match="已过"):
        service.create_event(
            session,
            user=officer,
            data=EventCreate(
                name="旧活动",
                kind=EventKind.forum,
                starts_on=in_days(-3),
                ends_on=in_days(-2),
                city="重庆",
                place="x",
            ),
        )
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        EventCreate(
            name="倒序",
            kind=EventKind.forum,
            starts_on=in_days(3),
            ends_on=in_days(2),
            city="重庆",
            place="x",
        )
    with pytest.raises(Forbidden):
        service.list_events(session, user=make_user(session, park, Role.enterprise))


def test_registration_refusals(session: Session) -> None:
    park = make_park(session)
    event = make_event(session, park, capacity=2)
    reg = service.register(session, event=event, data=_person(), source=RegistrationSource.public)
    assert reg.id
    with pytest.raises(Conflict, match="已报名"):
        service.register(session, event=event, data=_person(), source=RegistrationSource.public)
    service.register(
        session, event=event, data=_person("13900000002"), source=RegistrationSource.staff
    )
    with pytest.raises(Conflict, match="已满"):
        service.register(
            session, event=event, data=_person("13900000003"), source=RegistrationSource.public
        )
    closed = make_event(session, park, signup_open=False)
    with pytest.raises(Conflict, match="报名已关闭"):
        service.register(session, event=closed, data=_person(), source=RegistrationSource.public)
    over = make_event(session, park, starts_on=in_days(-3), ends_on=in_days(-2))
    with pytest.raises(Conflict, match="已结束"):
        service.register(session, event=over, data=_person(), source=RegistrationSource.public)


def test_public_signup_needs_consent_and_is_rate_limited(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    park = make_park(session)
    event = make_event(session, park)
    with pytest.raises(ValidationFailed, match="个人信息保护说明"):
        public.public_signup(
            session, event=event, data=_person(), address="10.0.0.1", consent=False
        )
    monkeypatch.setattr(public, "ADDRESS_LIMIT", 2)
    for i in range(2):
        public.public_signup(
            session, event=event, data=_person(f"1390000010{i}"), address="10.0.0.1", consent=True
        )
    with pytest.raises(RateLimited):
        public.public_signup(
            session, event=event, data=_person("13900000199"), address="10.0.0.1", consent=True
        )
    # Another address is not affected.
    public.public_signup(
        session, event=event, data=_person("13900000198"), address="10.0.0.2", consent=True
    )


def test_check_in_refusals(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    event = make_event(session, park, ends_on=in_days(1))
    service.register(session, event=event, data=_person(), source=RegistrationSource.public)
    with pytest.raises(ValidationFailed, match="未报名"):
        service.check_in(session, user=officer, event_id=event.id, phone="13900000999")
    with pytest.raises(ValidationFailed, match="不是活动日"):
        service.check_in(
            session, user=officer, event_id=event.id, phone="13900000001", on=in_days(2)
        )
    reg = service.check_in(session, user=officer, event_id=event.id, phone="13900000001")
    assert reg.checked_in_at is not None and reg.checked_in_by == officer.id
    with pytest.raises(Conflict, match="重复签到"):
        service.check_in(
            session,
            user=officer,
            event_id=event.id,
            phone="13900000001",
            on=today() + timedelta(days=1),
        )


def test_events_are_scoped_to_the_park(session: Session) -> None:
    park, other = make_park(session), make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    foreign = make_event(session, other)
    with pytest.raises(NotFound):
        service.get_event(session, user=officer, event_id=foreign.id)
    with pytest.raises(NotFound):
        service.check_in(session, user=officer, event_id=foreign.id, phone="13900000001")
    event = make_event(session, park)
    with pytest.raises(NotFound):
        service.attribute_lead(
            session, user=officer, event_id=event.id, lead_id=make_lead(session, other).id
        )


def test_leads_and_results(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    event = make_event(session, park)
    other_event = make_event(session, park)
    reg = service.register(session, event=event, data=_person(), source=RegistrationSource.public)
    lead = service.lead_from_registration(
        session, user=officer, event_id=event.id, registration_id=reg.id
    )
    assert lead.source == "event" and reg.lead_id == lead.id
    with pytest.raises(Conflict, match="已转为线索"):
        service.lead_from_registration(
            session, user=officer, event_id=event.id, registration_id=reg.id
        )
    signed = make_project(
        session, officer, stage=Stage.registered, agreed_investment=Decimal("1200000000")
    )
    talking = make_project(session, officer, agreed_investment=Decimal("500000000"))
    won = make_lead(session, park, project_id=signed.id)
    open_ = make_lead(session, park, project_id=talking.id)
    service.attribute_lead(session, user=officer, event_id=event.id, lead_id=won.id)
    service.attribute_lead(session, user=officer, event_id=event.id, lead_id=open_.id)
    assert won.source == "event"
    with pytest.raises(Conflict, match="已归属"):
        service.attribute_lead(session, user=officer, event_id=other_event.id, lead_id=won.id)
    [result] = service.results(session, park_id=park.id, events=[event])
    assert (result.registrations, result.leads, result.signed_projects) == (1, 3, 1)
    assert result.agreed_investment == Decimal("1200000000")
