"""Matching enterprises to policies, push lists, ready lists, and who may see what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.enterprises.models import EnterprisePool
from biopark.errors import Conflict, Forbidden, NotFound
from biopark.policies import service
from biopark.policies.rules import Verdict
from biopark.policies.schemas import PolicyUpdate
from tests.builders import make_enterprise, make_park, make_user
from tests.policies.builders import make_policy

TODAY = date(2026, 11, 21)
RD = {"op": "gte", "field": "rd_spending", "value": 5_000_000}
HT = {"op": "has_tag", "value": "高新技术企业"}


def _park_with_three(session: Session):  # type: ignore[no-untyped-def]
    park = make_park(session, district="巴南区")
    qualified = make_enterprise(
        session,
        park,
        name="重庆甲生物医药有限公司",
        tags=["高新技术企业"],
        rd_spending=Decimal("8000000"),
    )
    nearly = make_enterprise(
        session,
        park,
        name="重庆乙生物医药有限公司",
        tags=["高新技术企业"],
        rd_spending=Decimal("100"),
    )
    unknown = make_enterprise(session, park, name="重庆丙生物医药有限公司", tags=["高新技术企业"])
    policy = make_policy(
        session,
        park,
        conditions={"all": [HT, RD]},
        amount_rule={"kind": "rate", "base": "rd_spending", "rate": "0.05", "cap": 300000},
        auto_grant=True,
    )
    return park, qualified, nearly, unknown, policy


def test_three_verdicts_with_reasons_and_amounts(session: Session) -> None:
    park, qualified, nearly, unknown, policy = _park_with_three(session)
    leader = make_user(session, park, Role.leader)
    matches = service.policy_matches(session, user=leader, policy_id=policy.id, as_of=TODAY)
    by_name = {m.enterprise_name: m for m in matches}
    assert by_name[qualified.name].verdict == Verdict.qualified
    assert by_name[qualified.name].amount == Decimal("300000")  # capped 5% of 800万
    assert by_name[nearly.name].verdict == Verdict.nearly
    assert by_name[nearly.name].unmet == ["研发投入 ≥ 500万元（现为：100元）"]
    assert by_name[unknown.name].verdict == Verdict.unknown
    assert by_name[unknown.name].missing_data == ["缺少数据：研发投入"]
    assert by_name[unknown.name].amount is None
    ready = service.ready_list(session, user=leader, policy_id=policy.id, as_of=TODAY)
    assert [m.enterprise_name for m in ready] == [qualified.name]


def test_ready_list_only_for_apply_free_policies(session: Session) -> None:
    park = make_park(session)
    policy = make_policy(session, park)
    with pytest.raises(Conflict):
        service.ready_list(
            session, user=make_user(session, park, Role.admin), policy_id=policy.id, as_of=TODAY
        )


def test_expired_drafts_and_future_policies_are_not_matched(session: Session) -> None:
    park = make_park(session)
    ent = make_enterprise(session, park, tags=["高新技术企业"])
    make_policy(session, park, valid_to=date(2024, 12, 31), valid_from=date(2024, 1, 1))
    make_policy(session, park, published=False)
    make_policy(session, park, valid_from=date(2027, 1, 1))
    live = make_policy(session, park, valid_to=None)
    matches = service.match_park(session, park=park, as_of=TODAY)
    assert [(m.enterprise_id, m.policy_id) for m in matches] == [(ent.id, live.id)]


def test_pool_membership_counts_only_between_entry_and_exit(session: Session) -> None:
    park = make_park(session)
    ent = make_enterprise(session, park)
    policy = make_policy(
        session, park, conditions={"all": [{"op": "in_pool", "value": "专精特新"}]}
    )
    session.add(
        EnterprisePool(
            park_id=park.id,
            enterprise_id=ent.id,
            pool="专精特新",
            entered_on=date(2024, 1, 1),
            left_on=date(2026, 6, 30),
        )
    )
    session.flush()
    assert [
        m.policy_id for m in service.match_park(session, park=park, as_of=date(2025, 5, 1))
    ] == [policy.id]
    assert service.match_park(session, park=park, as_of=TODAY) == []


def test_commissioner_push_list_covers_only_assigned_enterprises(session: Session) -> None:
    park, qualified, nearly, _unknown, policy = _park_with_three(session)
    mine = make_user(session, park, Role.commissioner)
    other = make_user(session, park, Role.commissioner)
    qualified.commissioner_id = mine.id
    nearly.commissioner_id = other.id
    session.flush()
    items = service.push_list(session, user=mine, as_of=TODAY)
    assert [(m.enterprise_name, m.verdict) for m in items] == [(qualified.name, Verdict.qualified)]
    service.mark_pushed(session, user=mine, policy_id=policy.id, enterprise_id=qualified.id)
    again = service.mark_pushed(session, user=mine, policy_id=policy.id, enterprise_id=qualified.id)
    assert again.pushed_by_id == mine.id
    assert service.push_list(session, user=mine, as_of=TODAY)[0].pushed_at is not None
    with pytest.raises(NotFound):
        service.mark_pushed(session, user=mine, policy_id=policy.id, enterprise_id=nearly.id)
    with pytest.raises(NotFound):
        service.match_enterprise(session, user=mine, enterprise_id=nearly.id, as_of=TODAY)


def test_enterprise_user_sees_only_its_own_matches(session: Session) -> None:
    park, qualified, nearly, *_ = _park_with_three(session)
    user = make_user(session, park, Role.enterprise, enterprise_id=qualified.id)
    mine = service.my_matches(session, user=user, as_of=TODAY)
    assert {m.enterprise_id for m in mine} == {qualified.id}
    with pytest.raises(NotFound):
        service.match_enterprise(session, user=user, enterprise_id=nearly.id, as_of=TODAY)
    with pytest.raises(Forbidden):
        service.push_list(session, user=user, as_of=TODAY)


def test_department_users_get_nothing(session: Session) -> None:
    park, qualified, *_ = _park_with_three(session)
    dept = make_user(session, park, Role.department)
    with pytest.raises(Forbidden):
        service.list_policies(session, user=dept)
    with pytest.raises(Forbidden):
        service.match_enterprise(session, user=dept, enterprise_id=qualified.id, as_of=TODAY)


def test_other_parks_policies_are_invisible(session: Session) -> None:
    park, other = make_park(session), make_park(session)
    foreign = make_policy(session, other)
    with pytest.raises(NotFound):
        service.get_policy(session, user=make_user(session, park, Role.admin), policy_id=foreign.id)


def test_update_is_audited_and_keeps_required_fields(session: Session) -> None:
    park = make_park(session)
    admin = make_user(session, park, Role.admin)
    policy = make_policy(session, park)
    service.update_policy(
        session, user=admin, policy_id=policy.id, data=PolicyUpdate(title=None, auto_grant=True)
    )
    assert policy.auto_grant is True and policy.title.startswith("测试扶持政策")
    with pytest.raises(Forbidden):
        service.update_policy(
            session,
            user=make_user(session, park, Role.leader),
            policy_id=policy.id,
            data=PolicyUpdate(auto_grant=False),
        )


def test_a_damaged_stored_rule_reports_itself(session: Session) -> None:
    park = make_park(session)
    make_enterprise(session, park)
    policy = make_policy(session, park)
    policy.conditions = {"op": "__import__", "value": "os"}
    session.flush()
    [match] = service.match_park(session, park=park, as_of=TODAY)
    assert match.verdict == Verdict.unknown
    assert match.missing_data[0].startswith("政策条件无效")
