"""Talent applications (pre-fill, SLA clocks, status machine) and event registrations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.enterprises.models import EnterpriseContact
from biopark.errors import Conflict, Forbidden, NotFound
from biopark.kit.workcal import add_working_days, add_working_minutes
from biopark.notify.models import Notice
from biopark.services.schemas import SlaUpdate
from biopark.services.sla import set_sla
from biopark.talent import service
from biopark.talent.models import AppStatus
from biopark.talent.schemas import (
    ApplicationCreate,
    DecisionBody,
    EventCreate,
    RegistrationCreate,
    ServiceCreate,
)
from tests.builders import make_enterprise, make_park, make_user

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def _service(session: Session, park, **kw):  # type: ignore[no-untyped-def]
    data = {"name": "高层次人才认定", "kind": "recognition", "provider": "区人才办", **kw}
    return service.create_service(
        session, park_id=park.id, actor=None, data=ServiceCreate.model_validate(data)
    )


def test_prefill_from_enterprise_file_and_sla_of_the_talent_category(session: Session) -> None:
    park = make_park(session)
    ent = make_enterprise(session, park, credit_code="91500113MA5U000001", cluster="生物药")
    session.add(
        EnterpriseContact(
            park_id=park.id,
            enterprise_id=ent.id,
            name="王经理",
            phone="13800001111",
            is_primary=True,
        )
    )
    user = make_user(session, park, Role.enterprise, enterprise_id=ent.id, display_name="刘博士")
    svc = _service(session, park)
    set_sla(
        session,
        user=None,
        park_id=park.id,
        category="人才",
        data=SlaUpdate(respond_minutes=120, plan_hours=24, close_days=10, reply_days=5),
    )
    filled = service.prefill(session, user=user, service_id=svc.id)
    assert filled["applicant_name"] == "刘博士" and filled["phone"] == "13800001111"
    assert filled["enterprise"]["credit_code"] == "91500113MA5U000001"
    app = service.submit_application(
        session,
        user=user,
        data=ApplicationCreate(service_id=svc.id, applicant_name="刘博士", education="博士"),
        now=NOW,
    )
    assert app.enterprise_snapshot["name"] == ent.name
    assert app.respond_due_at == add_working_minutes(NOW, 120)
    assert app.close_due_at == add_working_days(NOW, 10)
    assert service.overdue(app, NOW + timedelta(days=30)) == ["respond", "close"]


def test_status_machine_refusals_and_notices(session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.enterprise)
    staff = make_user(session, park, Role.commissioner)
    svc = _service(session, park)
    app = service.submit_application(
        session, user=user, data=ApplicationCreate(service_id=svc.id, applicant_name="张工")
    )
    with pytest.raises(Conflict, match="已有一份在办"):
        service.submit_application(
            session, user=user, data=ApplicationCreate(service_id=svc.id, applicant_name="张工")
        )
    with pytest.raises(Conflict, match="待受理，不能通过"):
        service.act(session, user=staff, application_id=app.id, step="approve")
    with pytest.raises(Forbidden):
        service.act(session, user=user, application_id=app.id, step="accept")
    service.act(session, user=staff, application_id=app.id, step="accept")
    service.act(
        session,
        user=staff,
        application_id=app.id,
        step="approve",
        data=DecisionBody(note="材料齐全"),
    )
    assert app.status == AppStatus.approved and app.closed_at is not None
    with pytest.raises(Conflict, match="已通过，不能撤回"):
        service.act(session, user=user, application_id=app.id, step="withdraw")
    titles = list(session.scalars(select(Notice.title).where(Notice.user_id == user.id)))
    assert any("已通过" in t for t in titles)


def test_ineligible_enterprise_is_refused_with_the_unmet_condition(session: Session) -> None:
    park = make_park(session)
    ent = make_enterprise(session, park, cluster="医疗器械")
    user = make_user(session, park, Role.enterprise, enterprise_id=ent.id)
    svc = _service(
        session, park, conditions={"all": [{"op": "eq", "field": "cluster", "value": "生物药"}]}
    )
    with pytest.raises(Conflict, match="不符合申请条件：产业集群为 生物药"):
        service.submit_application(
            session, user=user, data=ApplicationCreate(service_id=svc.id, applicant_name="张工")
        )


def test_isolation_between_enterprises(session: Session) -> None:
    park = make_park(session)
    a, b = make_user(session, park, Role.enterprise), make_user(session, park, Role.enterprise)
    svc = _service(session, park)
    app = service.submit_application(
        session, user=a, data=ApplicationCreate(service_id=svc.id, applicant_name="张工")
    )
    assert service.list_applications(session, user=b).total == 0
    with pytest.raises(NotFound):
        service.get_application(session, user=b, application_id=app.id)
    with pytest.raises(NotFound):
        service.act(session, user=b, application_id=app.id, step="withdraw")
    staff = make_user(session, park, Role.leader)
    assert service.list_applications(session, user=staff).total == 1


def test_registrations_refuse_full_duplicate_and_late(session: Session) -> None:
    park = make_park(session)
    a, b = make_user(session, park, Role.enterprise), make_user(session, park, Role.enterprise)
    event = service.create_event(
        session,
        park_id=park.id,
        actor=None,
        data=EventCreate(
            title="人才沙龙活动",
            kind="沙龙",
            starts_at=NOW + timedelta(days=3),
            location="创新中心",
            capacity=1,
        ),
    )
    service.register(
        session, user=a, event_id=event.id, data=RegistrationCreate(attendee_name="张工"), now=NOW
    )
    with pytest.raises(Conflict, match="已报名"):
        service.register(
            session,
            user=a,
            event_id=event.id,
            data=RegistrationCreate(attendee_name="张工"),
            now=NOW,
        )
    with pytest.raises(Conflict, match="名额已满"):
        service.register(
            session,
            user=b,
            event_id=event.id,
            data=RegistrationCreate(attendee_name="李工"),
            now=NOW,
        )
    with pytest.raises(Conflict, match="已开始或已结束"):
        service.register(
            session,
            user=b,
            event_id=event.id,
            data=RegistrationCreate(attendee_name="李工"),
            now=NOW + timedelta(days=4),
        )
    assert len(service.registrations(session, user=b, event_id=event.id)) == 0
    assert (
        len(
            service.registrations(
                session, user=make_user(session, park, Role.admin), event_id=event.id
            )
        )
        == 1
    )
    with pytest.raises(Forbidden):
        service.register(
            session,
            user=make_user(session, park, Role.commissioner),
            event_id=event.id,
            data=RegistrationCreate(attendee_name="王工"),
            now=NOW,
        )


def test_history_shows_the_due_times_in_local_time(session: Session) -> None:
    from biopark.audit.describe import describe
    from biopark.kit.dates import format_local

    park = make_park(session)
    user = make_user(session, park, Role.enterprise)
    svc = _service(session, park)
    app = service.submit_application(
        session,
        user=user,
        data=ApplicationCreate(service_id=svc.id, applicant_name="张工"),
        now=NOW,
    )
    (line,) = describe(service.history(session, app=app), "zh", session)
    assert "提交了申请" in line.text
    assert format_local(app.respond_due_at) in line.text
    assert format_local(app.close_due_at) in line.text


def test_overdue_clocks_escalate_to_leaders_once(session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.enterprise)
    leader = make_user(session, park, Role.leader)
    svc = _service(session, park)
    app = service.submit_application(
        session,
        user=user,
        data=ApplicationCreate(service_id=svc.id, applicant_name="张工"),
        now=NOW,
    )
    assert service.escalate_overdue(session, now=NOW, park_id=park.id) == []
    later = NOW + timedelta(days=30)
    found = service.escalate_overdue(session, now=later, park_id=park.id)
    assert {e.clock for e in found} == {"respond", "close"}
    assert app.respond_escalated_at == later and app.close_escalated_at == later
    assert service.escalate_overdue(session, now=later + timedelta(hours=1), park_id=park.id) == []
    titles = list(session.scalars(select(Notice.title).where(Notice.user_id == leader.id)))
    assert len(titles) == 2 and all("超时" in t for t in titles)
