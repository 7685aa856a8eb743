"""The enterprise file beyond the registry: pools, contacts, products, plan, commissioner."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.enterprises.models import (
    Enterprise,
    EnterpriseContact,
    EnterprisePlan,
    EnterprisePool,
    EnterpriseProduct,
    PlanFollowUp,
)
from biopark.enterprises.schemas import (
    ContactCreate,
    FollowUpCreate,
    PlanUpdate,
    PoolEntry,
    PoolLeave,
    ProductCreate,
)
from biopark.enterprises.service import ASSIGNERS, EDITORS, get_enterprise
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed


def _editable(session: Session, *, user: User, enterprise_id: int) -> Enterprise:
    ent = get_enterprise(session, user=user, enterprise_id=enterprise_id)
    if user.role not in EDITORS:
        raise Forbidden()
    return ent


def _audit(
    session: Session, *, user: User | None, ent: Enterprise, action: str, changes: dict[str, Any]
) -> None:
    audit.record(
        session,
        actor=user,
        action=action,
        entity_type="enterprise",
        entity_id=ent.id,
        park_id=ent.park_id,
        changes=changes,
    )


def _child(session: Session, model: Any, *, ent: Enterprise, child_id: int) -> Any:
    row = session.get(model, child_id)
    if row is None or row.enterprise_id != ent.id:
        raise NotFound("记录不存在", en="Record not found")
    return row


def list_pools(session: Session, *, user: User, enterprise_id: int) -> list[EnterprisePool]:
    """Every pool membership of the enterprise, current and past."""
    ent = get_enterprise(session, user=user, enterprise_id=enterprise_id)
    return pools_of(session, enterprise_ids=[ent.id])


def pools_of(session: Session, *, enterprise_ids: list[int]) -> list[EnterprisePool]:
    """Pool memberships of the given enterprises, newest entry first."""
    stmt = (
        select(EnterprisePool)
        .where(EnterprisePool.enterprise_id.in_(enterprise_ids))
        .order_by(EnterprisePool.entered_on.desc(), EnterprisePool.id.desc())
    )
    return list(session.scalars(stmt))


def enter_pool(
    session: Session, *, user: User, enterprise_id: int, data: PoolEntry
) -> EnterprisePool:
    """Put the enterprise into a cultivation pool from a date."""
    ent = _editable(session, user=user, enterprise_id=enterprise_id)
    current = session.scalar(
        select(EnterprisePool).where(
            EnterprisePool.enterprise_id == ent.id,
            EnterprisePool.pool == data.pool,
            EnterprisePool.left_on.is_(None),
        )
    )
    if current is not None:
        raise Conflict(f"已在培育库：{data.pool}", en=f"Already in pool {data.pool}")
    row = EnterprisePool(park_id=ent.park_id, enterprise_id=ent.id, **data.model_dump())
    session.add(row)
    session.flush()
    _audit(
        session,
        user=user,
        ent=ent,
        action="pool_enter",
        changes={"pool": data.pool, "entered_on": data.entered_on},
    )
    return row


def leave_pool(
    session: Session, *, user: User, enterprise_id: int, pool_id: int, data: PoolLeave
) -> EnterprisePool:
    """Record that the enterprise left a pool (the entry stays as history)."""
    ent = _editable(session, user=user, enterprise_id=enterprise_id)
    row: EnterprisePool = _child(session, EnterprisePool, ent=ent, child_id=pool_id)
    if row.left_on is not None:
        raise Conflict("已出库", en="Already left the pool")
    if data.left_on < row.entered_on:
        raise ValidationFailed("出库日期不能早于入库日期", en="Leaving date precedes entry date")
    row.left_on = data.left_on
    _audit(
        session,
        user=user,
        ent=ent,
        action="pool_leave",
        changes={"pool": row.pool, "left_on": data.left_on},
    )
    return row


def list_contacts(session: Session, *, user: User, enterprise_id: int) -> list[EnterpriseContact]:
    """The enterprise's contacts, primary first."""
    ent = get_enterprise(session, user=user, enterprise_id=enterprise_id)
    stmt = (
        select(EnterpriseContact)
        .where(EnterpriseContact.enterprise_id == ent.id)
        .order_by(EnterpriseContact.is_primary.desc(), EnterpriseContact.id)
    )
    return list(session.scalars(stmt))


def add_contact(
    session: Session, *, user: User, enterprise_id: int, data: ContactCreate
) -> EnterpriseContact:
    """Add a contact person."""
    ent = _editable(session, user=user, enterprise_id=enterprise_id)
    row = EnterpriseContact(park_id=ent.park_id, enterprise_id=ent.id, **data.model_dump())
    session.add(row)
    session.flush()
    _audit(session, user=user, ent=ent, action="contact_add", changes={"contact": data.name})
    return row


def remove_contact(session: Session, *, user: User, enterprise_id: int, contact_id: int) -> None:
    """Remove a contact person."""
    ent = _editable(session, user=user, enterprise_id=enterprise_id)
    row: EnterpriseContact = _child(session, EnterpriseContact, ent=ent, child_id=contact_id)
    _audit(session, user=user, ent=ent, action="contact_remove", changes={"contact": row.name})
    session.delete(row)


def list_products(session: Session, *, user: User, enterprise_id: int) -> list[EnterpriseProduct]:
    """The enterprise's products and drugs."""
    ent = get_enterprise(session, user=user, enterprise_id=enterprise_id)
    stmt = (
        select(EnterpriseProduct)
        .where(EnterpriseProduct.enterprise_id == ent.id)
        .order_by(EnterpriseProduct.id)
    )
    return list(session.scalars(stmt))


def add_product(
    session: Session, *, user: User, enterprise_id: int, data: ProductCreate
) -> EnterpriseProduct:
    """Add a product or drug."""
    ent = _editable(session, user=user, enterprise_id=enterprise_id)
    row = EnterpriseProduct(park_id=ent.park_id, enterprise_id=ent.id, **data.model_dump())
    session.add(row)
    session.flush()
    _audit(session, user=user, ent=ent, action="product_add", changes={"product": data.name})
    return row


def remove_product(session: Session, *, user: User, enterprise_id: int, product_id: int) -> None:
    """Remove a product or drug."""
    ent = _editable(session, user=user, enterprise_id=enterprise_id)
    row: EnterpriseProduct = _child(session, EnterpriseProduct, ent=ent, child_id=product_id)
    _audit(session, user=user, ent=ent, action="product_remove", changes={"product": row.name})
    session.delete(row)


def get_plan(
    session: Session, *, user: User, enterprise_id: int
) -> tuple[EnterprisePlan | None, list[PlanFollowUp]]:
    """The one-company plan and its follow-ups, newest first."""
    ent = get_enterprise(session, user=user, enterprise_id=enterprise_id)
    plan = session.scalar(select(EnterprisePlan).where(EnterprisePlan.enterprise_id == ent.id))
    stmt = (
        select(PlanFollowUp)
        .where(PlanFollowUp.enterprise_id == ent.id)
        .order_by(PlanFollowUp.happened_on.desc(), PlanFollowUp.id.desc())
    )
    return plan, list(session.scalars(stmt))


def save_plan(
    session: Session, *, user: User, enterprise_id: int, data: PlanUpdate
) -> EnterprisePlan:
    """Write the plan's goals and measures."""
    ent = _editable(session, user=user, enterprise_id=enterprise_id)
    plan = session.scalar(select(EnterprisePlan).where(EnterprisePlan.enterprise_id == ent.id))
    if plan is None:
        plan = EnterprisePlan(park_id=ent.park_id, enterprise_id=ent.id, goals="", measures="")
        session.add(plan)
    changed = audit.apply_changes(plan, data.model_dump())
    session.flush()
    if changed:
        _audit(session, user=user, ent=ent, action="plan_update", changes=changed)
    return plan


def add_follow_up(
    session: Session, *, user: User, enterprise_id: int, data: FollowUpCreate
) -> PlanFollowUp:
    """Record a follow-up of the plan with its next step."""
    ent = _editable(session, user=user, enterprise_id=enterprise_id)
    if data.due_on and data.due_on < data.happened_on:
        raise ValidationFailed("下一步期限不能早于跟进日期", en="Due date precedes the follow-up")
    row = PlanFollowUp(
        park_id=ent.park_id, enterprise_id=ent.id, author_id=user.id, **data.model_dump()
    )
    session.add(row)
    session.flush()
    _audit(
        session,
        user=user,
        ent=ent,
        action="follow_up",
        changes={"happened_on": data.happened_on, "note": data.note[:100]},
    )
    return row


def commissioners(session: Session, *, park_id: int) -> list[User]:
    """The park's active commissioners."""
    stmt = (
        select(User)
        .where(User.park_id == park_id, User.role == Role.commissioner, User.active.is_(True))
        .order_by(User.display_name)
    )
    return list(session.scalars(stmt))


def assign_commissioner(
    session: Session, *, user: User, enterprise_id: int, commissioner_id: int | None
) -> Enterprise:
    """Assign (or clear) the enterprise's service commissioner."""
    ent = get_enterprise(session, user=user, enterprise_id=enterprise_id)
    if user.role not in ASSIGNERS:
        raise Forbidden()
    if commissioner_id is not None:
        target = session.get(User, commissioner_id)
        if (
            target is None
            or target.park_id != ent.park_id
            or target.role != Role.commissioner
            or not target.active
        ):
            raise ValidationFailed("服务专员不存在", en="No such commissioner")
    changed = audit.apply_changes(ent, {"commissioner_id": commissioner_id})
    if changed:
        _audit(session, user=user, ent=ent, action="assign", changes=changed)
    return ent


def chain_and_drugs(session: Session, *, user: User, enterprise: Enterprise) -> dict[str, Any]:
    """The enterprise's chain links and pipeline drugs, as far as the user may read them.

    The enterprise must come from `get_enterprise` (role-scoped). An enterprise user
    reads its own links and drugs but not the chain pages, so its links carry no URL.
    """
    # Imported here: chain and pipeline build on the enterprise registry, not the reverse.
    from biopark.chain import service as chain
    from biopark.pipeline import service as pipeline
    from biopark.pipeline import stages
    from biopark.pipeline.models import Drug

    links = chain.links_of_enterprise(
        session, park_id=enterprise.park_id, enterprise_id=enterprise.id
    )
    linkable = user.role in chain.READERS
    drugs: list[Any] = []
    if user.role in pipeline.READERS or user.role == Role.enterprise:
        stmt = pipeline.visible(user).where(Drug.enterprise_id == enterprise.id)
        drugs = list(session.scalars(stmt.order_by(Drug.name)))
    return {
        "links": [
            {"name": link.name, "url": f"/chain/links/{link.id}" if linkable else None}
            for link in links
        ],
        "drugs": [
            {
                "name": d.name,
                "code": d.code,
                "stage": stages.label(d.stage),
                "url": f"/pipeline/drugs/{d.id}",
            }
            for d in drugs
        ],
    }
