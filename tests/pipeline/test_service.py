"""Pipeline service: drugs, stage moves with milestones, deals, funnel counts, timeline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.audit.models import AuditEntry
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.pipeline import service
from biopark.pipeline.schemas import (
    DealCreate,
    DrugCreate,
    DrugUpdate,
    MilestoneCreate,
    StageChange,
)
from biopark.pipeline.stages import Stage
from tests.builders import make_enterprise, make_park
from tests.pipeline.builders import make_drug, make_member


def test_create_drug_for_park_enterprise_or_outside_company(session: Session) -> None:
    park = make_park(session)
    analyst = make_member(session, park, Role.analyst)
    ent = make_enterprise(session, park)
    drug = service.create_drug(
        session,
        user=analyst,
        data=DrugCreate(
            name="测试单抗注射液", code="T-1", enterprise_id=ent.id, modality="antibody"
        ),
    )
    assert drug.stage == Stage.preclinical and drug.park_id == park.id
    outside = service.create_drug(
        session,
        user=analyst,
        data=DrugCreate(name="外部小分子片", company_name="成都某药业", modality="small_molecule"),
    )
    assert service.company_of(session, outside) == "成都某药业"
    with pytest.raises(Conflict):
        service.create_drug(
            session,
            user=analyst,
            data=DrugCreate(name="重复", code="T-1", company_name="x公司", modality="antibody"),
        )
    other_ent = make_enterprise(session, make_park(session))
    with pytest.raises(ValidationFailed):
        service.create_drug(
            session,
            user=analyst,
            data=DrugCreate(name="越界药", enterprise_id=other_ent.id, modality="antibody"),
        )
    with pytest.raises(Forbidden):
        service.create_drug(
            session,
            user=make_member(session, park, Role.leader),
            data=DrugCreate(name="领导药", company_name="x公司", modality="antibody"),
        )


def test_schema_refuses_bad_input() -> None:
    with pytest.raises(ValidationError, match="须选择园区企业或填写企业名称"):
        DrugCreate(name="无主药", modality="antibody")
    with pytest.raises(ValidationError):
        DrugCreate(name="怪药", company_name="x公司", modality="magic")
    with pytest.raises(ValidationError, match="首付款不能大于总金额"):
        DealCreate(partner="合作方", upfront=Decimal("10"), total=Decimal("5"))
    with pytest.raises(ValidationError, match="币种"):
        DealCreate(partner="合作方", currency="EUR")
    with pytest.raises(ValidationError, match="来源"):
        MilestoneCreate(occurred_on=date(2025, 1, 1), title="无来源")
    with pytest.raises(ValidationError, match="http"):
        MilestoneCreate(
            occurred_on=date(2025, 1, 1), title="坏链接", source_url="javascript:alert(1)"
        )
    with pytest.raises(ValidationError, match="晚于今天"):
        MilestoneCreate(occurred_on=date(2999, 1, 1), title="未来", source_person="某人")


def test_stage_change_records_a_milestone_and_audit(session: Session) -> None:
    park = make_park(session)
    officer = make_member(session, park, Role.investment_officer)
    drug = make_drug(session, park, stage=Stage.phase1)
    m = service.change_stage(
        session,
        user=officer,
        drug_id=drug.id,
        data=StageChange(stage=Stage.phase2, occurred_on=date(2025, 5, 1), source_title="CDE公示"),
    )
    assert drug.stage == Stage.phase2 and drug.stage_since == date(2025, 5, 1)
    assert m.stage == Stage.phase2 and m.source_title == "CDE公示"
    with pytest.raises(ValidationFailed) as exc:
        service.change_stage(
            session,
            user=officer,
            drug_id=drug.id,
            data=StageChange(stage=Stage.phase1, occurred_on=date(2025, 6, 1)),
        )
    assert "原因" in exc.value.message
    back = service.change_stage(
        session,
        user=officer,
        drug_id=drug.id,
        data=StageChange(stage=Stage.phase1, occurred_on=date(2025, 6, 1), reason="补充剂量爬坡"),
    )
    assert back.reason == "补充剂量爬坡" and back.source_person == officer.display_name
    assert [x.stage for x in service.milestones(session, drug=drug)] == [Stage.phase1, Stage.phase2]
    changes = session.scalars(
        select(AuditEntry.changes)
        .where(AuditEntry.entity_type == "drug", AuditEntry.action == "stage")
        .order_by(AuditEntry.id)
    ).all()
    assert changes[0]["stage"] == ["phase1", "phase2"]


def test_update_keeps_stage_out_and_company_required(session: Session) -> None:
    park = make_park(session)
    admin = make_member(session, park, Role.admin)
    drug = make_drug(session, park)
    service.update_drug(session, user=admin, drug_id=drug.id, data=DrugUpdate(target="PD-1"))
    assert drug.target == "PD-1"
    with pytest.raises(ValidationFailed):
        service.update_drug(
            session, user=admin, drug_id=drug.id, data=DrugUpdate(company_name=None)
        )


def test_milestones_and_deals(session: Session) -> None:
    park = make_park(session)
    analyst = make_member(session, park, Role.analyst)
    drug = make_drug(session, park)
    service.add_milestone(
        session,
        user=analyst,
        drug_id=drug.id,
        data=MilestoneCreate(
            occurred_on=date(2025, 3, 3), title="完成首例给药", source_person="企业联络人"
        ),
    )
    deal = service.add_deal(
        session,
        user=analyst,
        drug_id=drug.id,
        data=DealCreate(partner="海外药企", total=Decimal("712000000"), currency="usd"),
    )
    assert deal.currency == "USD" and service.deals(session, drug=drug)[0].total == Decimal(
        "712000000"
    )
    entries = service.timeline(session, user=analyst)
    assert [e.title for e in entries] == ["完成首例给药"]


def test_funnel_counts_park_and_city(session: Session) -> None:
    park = make_park(session, city="测试市")
    sibling = make_park(session, city="测试市")
    elsewhere = make_park(session, city="别的市")
    for stage in (
        Stage.preclinical,
        Stage.phase1,
        Stage.phase3,
        Stage.approved,
        Stage.discontinued,
    ):
        make_drug(session, park, stage=stage)
    make_drug(session, park, stage=Stage.phase2, scope="city")
    make_drug(session, sibling, stage=Stage.nda_filed)
    make_drug(session, elsewhere, stage=Stage.phase1)
    make_drug(session, park, stage=Stage.phase1, is_innovative=False)
    own = service.funnel(session, park_id=park.id)
    assert (own.in_research, own.clinical, own.on_market, own.discontinued) == (3, 2, 1, 1)
    assert {r.stage: r.count for r in own.stages}[Stage.phase1] == 1
    city = service.funnel(session, park_id=park.id, scope="city")
    assert (city.in_research, city.clinical) == (5, 3)
    with pytest.raises(Forbidden):
        service.funnel_for(session, user=make_member(session, park, Role.enterprise), scope="park")


def test_enterprise_user_sees_only_its_drugs(session: Session) -> None:
    park = make_park(session)
    user = make_member(session, park, Role.enterprise)
    mine = make_drug(session, park, enterprise_id=user.enterprise_id)
    theirs = make_drug(session, park, enterprise_id=make_enterprise(session, park).id)
    page = service.list_drugs(session, user=user)
    assert [d.id for d in page.items] == [mine.id]
    with pytest.raises(NotFound):
        service.get_drug(session, user=user, drug_id=theirs.id)
    with pytest.raises(Forbidden):
        service.list_drugs(session, user=make_member(session, park, Role.department))


def test_list_filters(session: Session) -> None:
    park = make_park(session)
    user = make_member(session, park, Role.leader)
    a = make_drug(session, park, stage=Stage.phase2, target="HER2", modality="adc")
    make_drug(session, park, stage=Stage.preclinical)
    make_drug(session, park, stage=Stage.approved, scope="city")
    assert [d.id for d in service.list_drugs(session, user=user, stage="clinical").items] == [a.id]
    assert service.list_drugs(session, user=user, stage="in_research").total == 2
    assert [d.id for d in service.list_drugs(session, user=user, q="her2").items] == [a.id]
    assert service.list_drugs(session, user=user, modality="adc").total == 1
    assert service.list_drugs(session, user=user, scope="city").total == 1
    assert service.list_drugs(session, user=user, stage="on_market").total == 1
