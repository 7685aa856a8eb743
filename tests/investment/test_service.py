"""Leads, projects, stages, visits, funds and the closed loop."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.audit.models import AuditEntry
from biopark.errors import Forbidden, NotFound, ValidationFailed
from biopark.investment import consult, service
from biopark.investment.config import InvestmentSettings
from biopark.investment.models import Lead, LeadStatus, Stage
from biopark.investment.schemas import (
    ConsultationCreate,
    FundsCreate,
    LeadClose,
    LeadQualify,
    ProjectCreate,
    ProjectUpdate,
    StageChangeCreate,
    VisitCreate,
)
from biopark.kit.dates import SHANGHAI
from biopark.kit.workcal import working_hours_between
from tests.builders import make_enterprise, make_park, make_user
from tests.investment.builders import make_project


def _consult(**kw: object) -> ConsultationCreate:
    return ConsultationCreate.model_validate(
        {"company": "成都某生物有限公司", "contact_name": "刘先生", "phone": "13800138000", **kw}
    )


def test_consultation_gets_owner_and_first_contact_deadline(session: Session) -> None:
    park = make_park(session)
    busy = make_user(session, park, Role.investment_officer)
    free = make_user(session, park, Role.investment_officer)
    make_user(session, park, Role.leader)
    now = datetime(2025, 3, 7, 8, 0, tzinfo=UTC)  # Friday 16:00 in Shanghai
    first = service.create_consultation(session, park=park, data=_consult(), now=now)
    second = service.create_consultation(session, park=park, data=_consult(), now=now)
    assert {first.owner_id, second.owner_id} == {busy.id, free.id}
    assert first.source == "qr" and first.status == LeadStatus.new
    assert first.first_contact_due_at == datetime(2025, 3, 10, 11, 0, tzinfo=SHANGHAI)
    assert first.next_action and first.due_at == first.first_contact_due_at
    entry = session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity_type == service.ENTITY_LEAD, AuditEntry.entity_id == first.id
        )
    )
    assert entry is not None and entry.action == "consult"


def test_first_contact_hours_are_configurable(session: Session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(
        consult, "get_investment_settings", lambda: InvestmentSettings(first_contact_hours=9)
    )
    park = make_park(session)
    now = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
    lead = service.create_consultation(session, park=park, data=_consult(), now=now)
    assert lead.first_contact_due_at is not None
    assert working_hours_between(now, lead.first_contact_due_at) == pytest.approx(9)


def test_sla_clock_and_contact(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    lead = service.create_consultation(session, park=park, data=_consult())
    assert service.sla_hours_left(lead) is not None
    due = datetime.now(SHANGHAI) + timedelta(days=2)
    lead = service.mark_contacted(
        session, user=officer, lead_id=lead.id, next_action="安排考察", due_at=due
    )
    assert lead.status == LeadStatus.contacted and lead.first_contacted_at is not None
    assert service.sla_hours_left(lead) is None


def test_overdue_lead_has_negative_clock(session: Session) -> None:
    park = make_park(session)
    past = datetime.now(UTC) - timedelta(days=10)
    lead = service.create_consultation(session, park=park, data=_consult(), now=past)
    hours = service.sla_hours_left(lead)
    assert hours is not None and hours < 0


def test_qualify_lead_into_project(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    lead = service.create_consultation(
        session, park=park, data=_consult(chain_link="抗体药物", intended_land_mu="20")
    )
    project = service.qualify_lead(
        session,
        user=officer,
        lead_id=lead.id,
        data=LeadQualify(next_action="首轮洽谈", due_on=service.today_local() + timedelta(days=3)),
    )
    assert project.stage == Stage.lead and project.chain_link == "抗体药物"
    assert project.land_mu == Decimal("20")
    assert lead.status == LeadStatus.qualified and lead.project_id == project.id
    with pytest.raises(ValidationFailed):
        service.close_lead(session, user=officer, lead_id=lead.id, data=LeadClose(reason="重复"))


def test_open_project_needs_owner_action_and_due(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    with pytest.raises(ValidationFailed, match="下一步"):
        service.create_project(session, user=officer, data=ProjectCreate(name="无计划项目"))
    project = service.create_project(
        session,
        user=officer,
        data=ProjectCreate(
            name="计划项目",
            agreed_investment="3,000万元",
            next_action="洽谈",
            due_on=service.today_local(),
        ),
    )
    assert project.owner_id == officer.id and project.agreed_investment == Decimal("30000000")
    with pytest.raises(ValidationFailed):
        service.update_project(
            session, user=officer, project_id=project.id, data=ProjectUpdate(due_on=None)
        )


def test_owner_must_be_investment_user_of_the_park(session: Session) -> None:
    park, other = make_park(session), make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    stranger = make_user(session, other, Role.investment_officer)
    commissioner = make_user(session, park, Role.commissioner)
    for owner in (stranger, commissioner):
        with pytest.raises(ValidationFailed, match="负责人"):
            service.create_project(
                session,
                user=officer,
                data=ProjectCreate(
                    name="项目甲", owner_id=owner.id, next_action="x", due_on=service.today_local()
                ),
            )


def test_stage_changes_are_recorded_with_who_when_and_why(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    project = make_project(session, officer)
    on = service.today_local() - timedelta(days=2)
    service.change_stage(
        session,
        user=officer,
        project_id=project.id,
        data=StageChangeCreate(
            stage=Stage.registered,
            reason="签约当天入库",
            agreed_investment="2亿元",
            signed_on=on,
            registered_on=on,
        ),
    )
    assert project.signed_on == on and project.registered_on == on
    with pytest.raises(ValidationFailed, match="原因"):
        service.change_stage(
            session, user=officer, project_id=project.id, data=StageChangeCreate(stage=Stage.signed)
        )
    service.change_stage(
        session,
        user=officer,
        project_id=project.id,
        data=StageChangeCreate(stage=Stage.signed, reason="入库材料退回补正"),
    )
    assert project.registered_on is None and project.signed_on == on
    service.change_stage(
        session,
        user=officer,
        project_id=project.id,
        data=StageChangeCreate(stage=Stage.terminated, reason="企业战略调整"),
    )
    assert (
        project.terminated_reason == "企业战略调整"
        and project.terminated_on == service.today_local()
    )
    trail = service.stage_history(session, user=officer, project_id=project.id)
    assert [(c.from_stage, c.to_stage) for c in trail] == [
        (Stage.negotiating, Stage.signed),
        (Stage.signed, Stage.registered),
        (Stage.registered, Stage.signed),
        (Stage.signed, Stage.terminated),
    ]
    assert trail[2].reason == "入库材料退回补正" and trail[1].actor_name == officer.username
    with pytest.raises(ValidationFailed, match="晚于今天"):
        service.change_stage(
            session,
            user=officer,
            project_id=project.id,
            data=StageChangeCreate(stage=Stage.lead, reason="重启", effective_on=date(2999, 1, 1)),
        )


def test_visit_sets_next_action_and_appears_in_timeline(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    project = make_project(session, officer)
    due = service.today_local() + timedelta(days=10)
    service.add_visit(
        session,
        user=officer,
        project_id=project.id,
        data=VisitCreate(
            visited_on=service.today_local(),
            people="李招商、企业董事长",
            place="企业总部",
            next_step="报送方案",
            next_due_on=due,
        ),
    )
    assert project.next_action == "报送方案" and project.due_on == due
    assert len(service.list_visits(session, user=officer, project_id=project.id)) == 1
    actions = session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.entity_type == service.ENTITY_PROJECT, AuditEntry.entity_id == project.id
        )
    ).all()
    assert "visit" in actions


def test_funds_entries_are_cumulative(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    project = make_project(
        session, officer, stage=Stage.registered, agreed_investment=Decimal("2e8")
    )
    for on, amount in [
        (service.today_local() - timedelta(days=30), "1.5亿"),
        (service.today_local(), "3,000万元"),
    ]:
        service.add_funds(
            session,
            user=officer,
            project_id=project.id,
            data=FundsCreate(received_on=on, amount=amount),
        )
    entries = service.list_funds(session, user=officer, project_id=project.id)
    assert [e.cumulative for e in entries] == [Decimal("150000000"), Decimal("180000000")]  # type: ignore[attr-defined]
    assert service.get_project(
        session, user=officer, project_id=project.id
    ).funds_in_place == Decimal(  # type: ignore[attr-defined]
        "180000000"
    )


@pytest.mark.parametrize(
    "role", [Role.enterprise, Role.department, Role.commissioner, Role.analyst]
)
def test_other_roles_have_no_access(session: Session, role: Role) -> None:
    park = make_park(session)
    user = make_user(session, park, role)
    with pytest.raises(Forbidden):
        service.list_projects(session, user=user, flt=service.ProjectFilter())


def test_other_parks_records_look_missing(session: Session) -> None:
    park, other = make_park(session), make_park(session)
    mine = make_user(session, park, Role.investment_officer)
    theirs = make_project(session, make_user(session, other, Role.investment_officer))
    with pytest.raises(NotFound):
        service.get_project(session, user=mine, project_id=theirs.id)


def test_loop_lists_overdue_by_owner_and_team(session: Session) -> None:
    park = make_park(session)
    a = make_user(session, park, Role.investment_officer, display_name="甲")
    b = make_user(session, park, Role.investment_officer, display_name="乙")
    make_project(
        session, a, team="生物药链长团队", due_on=service.today_local() - timedelta(days=1)
    )
    make_project(
        session, a, team="生物药链长团队", due_on=service.today_local() - timedelta(days=5)
    )
    make_project(session, b, team="器械链长团队", due_on=service.today_local() + timedelta(days=2))
    make_project(
        session, b, stage=Stage.production, due_on=service.today_local() - timedelta(days=9)
    )
    session.add(
        Lead(
            park_id=park.id, company="某公司", contact_name="王", phone="13800138000",
            owner_id=b.id, due_at=datetime.now(UTC) - timedelta(hours=1),
        )
    )  # fmt: skip
    session.flush()
    items = service.loop_items(session, park_id=park.id, horizon_days=3)
    assert len(items) == 4
    assert service.overdue_by(items, key="owner") == [("甲", 2), ("乙", 1)]
    assert service.overdue_by(items, key="team")[0] == ("生物药链长团队", 2)
    assert len(service.loop_items(session, park_id=park.id, owner_id=b.id)) == 1


def test_registered_project_links_to_the_settled_enterprise(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    ent = make_enterprise(session, park, name="重庆皓元测试有限公司")
    project = make_project(session, officer, company="重庆皓元测试有限公司")
    today = service.today_local()
    service.change_stage(
        session,
        user=officer,
        project_id=project.id,
        data=StageChangeCreate(stage=Stage.signed, agreed_investment="1亿元", signed_on=today),
    )
    assert project.enterprise_id is None
    service.change_stage(
        session,
        user=officer,
        project_id=project.id,
        data=StageChangeCreate(stage=Stage.registered, registered_on=today),
    )
    assert project.enterprise_id == ent.id
