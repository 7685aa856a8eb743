"""Financing needs: matching with the rule engine, the status machine and its refusals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.finance import service
from biopark.finance.models import NeedStatus
from biopark.finance.schemas import DeclineBody, GrantBody, ReferBody
from biopark.kit.dates import today
from biopark.notify.models import Notice
from biopark.policies import rules
from tests.builders import make_enterprise, make_park, make_user
from tests.finance.builders import make_need, make_product

YI = Decimal(100_000_000)


def test_matching_names_the_failing_conditions(session: Session) -> None:
    park = make_park(session)
    ent = make_enterprise(session, park, cluster="生物药", rd_spending=Decimal(8_000_000))
    user = make_user(session, park, Role.enterprise, enterprise_id=ent.id)
    ok = make_product(
        session, park, conditions={"all": [{"op": "eq", "field": "cluster", "value": "生物药"}]}
    )
    near = make_product(
        session,
        park,
        conditions={
            "all": [
                {"op": "eq", "field": "cluster", "value": "生物药"},
                {"op": "has_tag", "value": "高新技术企业"},
            ]
        },
    )
    small = make_product(session, park, amount_max=Decimal(50_000_000))
    never = make_product(
        session, park, conditions={"all": [{"op": "eq", "field": "cluster", "value": "化学药"}]}
    )
    need = make_need(session, user, amount=3 * YI)
    matches = {m.product_id: m for m in service.match_need(session, user=user, need_id=need.id)}
    assert matches[ok.id].verdict == rules.Verdict.qualified
    assert matches[near.id].verdict == rules.Verdict.nearly
    assert any("高新技术企业" in u for u in matches[near.id].unmet)
    assert matches[small.id].verdict == rules.Verdict.nearly
    assert "额度上限" in matches[small.id].unmet[0]
    assert never.id not in matches


def test_refer_grant_and_notify(session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.enterprise)
    staff = make_user(session, park, Role.commissioner)
    product = make_product(session, park, provider="重庆某农村商业银行")
    need = make_need(session, user)
    service.refer_need(session, user=staff, need_id=need.id, data=ReferBody(product_id=product.id))
    assert need.status == NeedStatus.referred and need.referred_to == "重庆某农村商业银行"
    service.grant_need(
        session,
        user=staff,
        need_id=need.id,
        data=GrantBody(granted_amount=3 * YI, decided_on=today()),
    )
    assert need.status == NeedStatus.granted
    assert need.granted_amount == 3 * YI and need.granted_by == "重庆某农村商业银行"
    titles = list(session.scalars(select(Notice.title).where(Notice.user_id == user.id)))
    assert any("推荐" in t for t in titles) and any("3亿元" in t for t in titles)


def test_wrong_transitions_are_refused_and_write_nothing(session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.enterprise)
    staff = make_user(session, park, Role.admin)
    product = make_product(session, park)
    need = make_need(session, user)
    grant = GrantBody(granted_amount=YI, decided_on=today())
    with pytest.raises(Conflict, match="已发布，不能登记获批"):
        service.grant_need(session, user=staff, need_id=need.id, data=grant)
    with pytest.raises(Forbidden):
        service.refer_need(
            session, user=user, need_id=need.id, data=ReferBody(product_id=product.id)
        )
    with pytest.raises(NotFound):
        service.refer_need(session, user=staff, need_id=need.id, data=ReferBody(product_id=999999))
    assert need.status == NeedStatus.posted and need.product_id is None
    service.withdraw_need(session, user=user, need_id=need.id)
    with pytest.raises(Conflict, match="已撤回"):
        service.refer_need(
            session, user=staff, need_id=need.id, data=ReferBody(product_id=product.id)
        )
    with pytest.raises(Conflict):
        service.withdraw_need(session, user=user, need_id=need.id)


def test_outcome_dates_are_checked(session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.enterprise)
    staff = make_user(session, park, Role.leader)
    need = make_need(session, user)
    service.refer_need(
        session,
        user=staff,
        need_id=need.id,
        data=ReferBody(product_id=make_product(session, park).id),
    )
    future = GrantBody(granted_amount=YI, decided_on=today() + timedelta(days=1))
    with pytest.raises(ValidationFailed, match="晚于今天"):
        service.grant_need(session, user=staff, need_id=need.id, data=future)
    early = GrantBody(granted_amount=YI, decided_on=date(2000, 1, 1))
    with pytest.raises(ValidationFailed, match="早于推荐"):
        service.grant_need(session, user=staff, need_id=need.id, data=early)
    assert need.status == NeedStatus.referred
    service.decline_need(
        session, user=staff, need_id=need.id, data=DeclineBody(decided_on=today(), note="抵押不足")
    )
    assert need.status == NeedStatus.declined and need.granted_amount is None


def test_commissioner_acts_only_on_own_or_unassigned_enterprises(session: Session) -> None:
    park = make_park(session)
    mine = make_user(session, park, Role.commissioner)
    other = make_user(session, park, Role.commissioner)
    ent = make_enterprise(session, park, commissioner_id=other.id)
    user = make_user(session, park, Role.enterprise, enterprise_id=ent.id)
    need = make_need(session, user)
    product = make_product(session, park)
    with pytest.raises(Forbidden, match="其他服务专员"):
        service.refer_need(
            session, user=mine, need_id=need.id, data=ReferBody(product_id=product.id)
        )
    service.refer_need(session, user=other, need_id=need.id, data=ReferBody(product_id=product.id))


def test_enterprise_sees_only_its_own_needs_and_other_parks_see_nothing(session: Session) -> None:
    park = make_park(session)
    a = make_user(session, park, Role.enterprise)
    b = make_user(session, park, Role.enterprise)
    need_a = make_need(session, a)
    make_need(session, b)
    assert [n.id for n in service.list_needs(session, user=a).items] == [need_a.id]
    with pytest.raises(NotFound):
        service.get_need(session, user=b, need_id=need_a.id)
    stranger = make_user(session, make_park(session), Role.admin)
    assert service.list_needs(session, user=stranger).total == 0
    with pytest.raises(Forbidden):
        service.list_needs(session, user=make_user(session, park, Role.analyst))
