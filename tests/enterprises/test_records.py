"""The enterprise file: pools, contacts, products, plan, commissioner, with audit."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.audit import service as audit
from biopark.enterprises import records, service
from biopark.enterprises.schemas import (
    ContactCreate,
    EnterpriseCreate,
    FollowUpCreate,
    PlanUpdate,
    PoolEntry,
    PoolLeave,
    ProductCreate,
)
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.builders import make_enterprise, make_park, make_user


def test_pools_are_dated_and_left_not_deleted(session: Session) -> None:
    park = make_park(session)
    leader = make_user(session, park, Role.leader)
    ent = make_enterprise(session, park)
    entry = records.enter_pool(
        session,
        user=leader,
        enterprise_id=ent.id,
        data=PoolEntry(pool="专精特新", entered_on=date(2024, 3, 1)),
    )
    with pytest.raises(Conflict):
        records.enter_pool(
            session,
            user=leader,
            enterprise_id=ent.id,
            data=PoolEntry(pool="专精特新", entered_on=date(2024, 4, 1)),
        )
    with pytest.raises(ValidationFailed):
        records.leave_pool(
            session,
            user=leader,
            enterprise_id=ent.id,
            pool_id=entry.id,
            data=PoolLeave(left_on=date(2024, 1, 1)),
        )
    records.leave_pool(
        session,
        user=leader,
        enterprise_id=ent.id,
        pool_id=entry.id,
        data=PoolLeave(left_on=date(2025, 1, 1)),
    )
    assert service.list_enterprises(session, user=leader, pool="专精特新").total == 0
    records.enter_pool(
        session,
        user=leader,
        enterprise_id=ent.id,
        data=PoolEntry(pool="专精特新", entered_on=date(2025, 6, 1)),
    )
    assert service.list_enterprises(session, user=leader, pool="专精特新").total == 1
    assert len(records.list_pools(session, user=leader, enterprise_id=ent.id)) == 2
    actions = [
        e.action
        for e in audit.history(session, park_id=park.id, entity_type="enterprise", entity_id=ent.id)
    ]
    assert actions.count("pool_enter") == 2 and "pool_leave" in actions


def test_unknown_pool_and_future_entry_are_refused() -> None:
    with pytest.raises(ValueError, match="培育库须为"):
        PoolEntry(pool="独角兽", entered_on=date(2024, 1, 1))
    with pytest.raises(ValueError, match="不能晚于今天"):
        PoolEntry(pool="专精特新", entered_on=date(2999, 1, 1))


def test_contacts_products_plan_and_follow_ups(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    ent = make_enterprise(session, park)
    contact = records.add_contact(
        session,
        user=officer,
        enterprise_id=ent.id,
        data=ContactCreate(name="王一", phone="023-1234 5678", is_primary=True),
    )
    records.add_product(
        session,
        user=officer,
        enterprise_id=ent.id,
        data=ProductCreate(name="赛立奇单抗注射液", stage="已上市"),
    )
    records.save_plan(
        session,
        user=officer,
        enterprise_id=ent.id,
        data=PlanUpdate(goals="年内投产", measures="协调用地"),
    )
    records.save_plan(
        session,
        user=officer,
        enterprise_id=ent.id,
        data=PlanUpdate(goals="年内投产", measures="协调用地"),
    )
    records.add_follow_up(
        session,
        user=officer,
        enterprise_id=ent.id,
        data=FollowUpCreate(
            happened_on=date(2026, 1, 5), note="走访", next_step="复核", due_on=date(2026, 2, 1)
        ),
    )
    with pytest.raises(ValidationFailed):
        records.add_follow_up(
            session,
            user=officer,
            enterprise_id=ent.id,
            data=FollowUpCreate(happened_on=date(2026, 1, 5), note="x", due_on=date(2025, 1, 1)),
        )
    plan, follow_ups = records.get_plan(session, user=officer, enterprise_id=ent.id)
    assert plan is not None and plan.goals == "年内投产" and len(follow_ups) == 1
    records.remove_contact(session, user=officer, enterprise_id=ent.id, contact_id=contact.id)
    assert records.list_contacts(session, user=officer, enterprise_id=ent.id) == []
    actions = [
        e.action
        for e in audit.history(session, park_id=park.id, entity_type="enterprise", entity_id=ent.id)
    ]
    assert actions.count("plan_update") == 1  # saving the same plan twice records one change
    assert {"contact_add", "contact_remove", "product_add", "follow_up"} <= set(actions)


def test_bad_contact_fields_are_refused() -> None:
    with pytest.raises(ValueError):
        ContactCreate(name="王一", phone="call me")
    with pytest.raises(ValueError):
        ContactCreate(name="王一", email="not-an-email")


def test_children_of_another_enterprise_are_not_found(session: Session) -> None:
    park = make_park(session)
    leader = make_user(session, park, Role.leader)
    a, b = make_enterprise(session, park), make_enterprise(session, park)
    contact = records.add_contact(
        session, user=leader, enterprise_id=b.id, data=ContactCreate(name="李二")
    )
    with pytest.raises(NotFound):
        records.remove_contact(session, user=leader, enterprise_id=a.id, contact_id=contact.id)


def test_commissioners_see_and_edit_only_their_companies(session: Session) -> None:
    park = make_park(session)
    leader = make_user(session, park, Role.leader)
    mine_user = make_user(session, park, Role.commissioner)
    ent, other = make_enterprise(session, park), make_enterprise(session, park)
    records.assign_commissioner(
        session, user=leader, enterprise_id=ent.id, commissioner_id=mine_user.id
    )
    assert [e.id for e in service.list_enterprises(session, user=mine_user).items] == [ent.id]
    with pytest.raises(NotFound):
        service.get_enterprise(session, user=mine_user, enterprise_id=other.id)
    with pytest.raises(NotFound):
        records.add_contact(
            session, user=mine_user, enterprise_id=other.id, data=ContactCreate(name="x")
        )
    with pytest.raises(Forbidden):
        records.assign_commissioner(
            session, user=mine_user, enterprise_id=ent.id, commissioner_id=None
        )
    with pytest.raises(ValidationFailed):
        records.assign_commissioner(
            session, user=leader, enterprise_id=ent.id, commissioner_id=leader.id
        )
    created = service.create_enterprise(
        session, user=mine_user, data=EnterpriseCreate(name="重庆新设生物有限公司")
    )
    assert created.commissioner_id == mine_user.id
    changes = audit.history(session, park_id=park.id, entity_type="enterprise", entity_id=ent.id)[
        0
    ].changes
    assert changes == {"commissioner_id": [None, mine_user.id]}


def test_enterprise_users_read_their_file_but_cannot_change_it(session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.enterprise)
    assert user.enterprise_id is not None
    assert records.list_products(session, user=user, enterprise_id=user.enterprise_id) == []
    with pytest.raises(Forbidden):
        records.add_product(
            session, user=user, enterprise_id=user.enterprise_id, data=ProductCreate(name="x")
        )
