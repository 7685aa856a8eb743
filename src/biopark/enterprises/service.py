"""The enterprise registry, with what each role may see."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, String, cast, exists, or_, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.enterprises.models import Enterprise, EnterprisePool
from biopark.enterprises.schemas import EnterpriseCreate, EnterpriseUpdate
from biopark.errors import Conflict, Forbidden, NotFound
from biopark.kit.pagination import Page, paginate

READERS = {Role.admin, Role.leader, Role.investment_officer, Role.commissioner, Role.analyst}
EDITORS = {Role.admin, Role.leader, Role.investment_officer, Role.commissioner}
ASSIGNERS = {Role.admin, Role.leader}


def visible(user: User) -> Select[Enterprise]:
    """The enterprises the user may read: the park's, its assigned ones, or its own."""
    stmt = select(Enterprise).where(Enterprise.park_id == user.park_id)
    if user.role == Role.enterprise:
        return stmt.where(Enterprise.id == (user.enterprise_id or -1))
    if user.role == Role.commissioner:
        # A commissioner serves its own companies one-to-one and sees no others.
        return stmt.where(Enterprise.commissioner_id == user.id)
    if user.role not in READERS:
        raise Forbidden()
    return stmt


def list_enterprises(
    session: Session,
    *,
    user: User,
    q: str | None = None,
    tag: str | None = None,
    cluster: str | None = None,
    pool: str | None = None,
    commissioner_id: int | None = None,
    page: int = 1,
    size: int = 50,
    count_up_to: int | None = None,
) -> Page[Any]:
    """A page of visible enterprises, filtered by text, tag, cluster, pool and commissioner."""
    stmt = visible(user)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(
            or_(
                Enterprise.name.ilike(like),
                Enterprise.short_name.ilike(like),
                Enterprise.credit_code.ilike(like),
            )
        )
    if cluster:
        stmt = stmt.where(Enterprise.cluster == cluster)
    if pool:
        stmt = stmt.where(
            exists().where(
                EnterprisePool.enterprise_id == Enterprise.id,
                EnterprisePool.pool == pool,
                EnterprisePool.left_on.is_(None),
            )
        )
    if commissioner_id is not None:
        stmt = stmt.where(Enterprise.commissioner_id == commissioner_id)
    if tag:
        # JSON containment differs between SQLite and PostgreSQL; a quoted LIKE works on both.
        stmt = stmt.where(cast(Enterprise.tags, String).like(f'%"{tag}"%'))
    return paginate(
        session, stmt.order_by(Enterprise.name), page=page, size=size, count_up_to=count_up_to
    )


def get_enterprise(session: Session, *, user: User, enterprise_id: int) -> Enterprise:
    """One enterprise, if the user may see it (others look the same as missing ones)."""
    ent = session.scalar(visible(user).where(Enterprise.id == enterprise_id))
    if ent is None:
        raise NotFound("企业不存在", en="Enterprise not found")
    return ent


def _check_unique(
    session: Session, *, park_id: int, name: str, code: str | None, own: int | None
) -> None:
    same = Enterprise.name == name
    if code:
        same = or_(same, Enterprise.credit_code == code)
    clash = session.scalar(
        select(Enterprise).where(Enterprise.park_id == park_id, same, Enterprise.id != (own or -1))
    )
    if clash is not None:
        raise Conflict(f"企业已存在：{clash.name}", en=f"Enterprise exists: {clash.name}")


def create_enterprise(session: Session, *, user: User, data: EnterpriseCreate) -> Enterprise:
    """Register an enterprise in the user's park."""
    if user.role not in EDITORS:
        raise Forbidden()
    _check_unique(session, park_id=user.park_id, name=data.name, code=data.credit_code, own=None)
    ent = Enterprise(park_id=user.park_id, **data.model_dump())
    if user.role == Role.commissioner:
        ent.commissioner_id = user.id
    session.add(ent)
    session.flush()
    audit.record(
        session,
        actor=user,
        action="create",
        entity_type="enterprise",
        entity_id=ent.id,
        park_id=ent.park_id,
        changes=data.model_dump(exclude_none=True),
    )
    return ent


def update_enterprise(
    session: Session, *, user: User, enterprise_id: int, data: EnterpriseUpdate
) -> Enterprise:
    """Change an enterprise's fields and audit what changed."""
    if user.role not in EDITORS:
        raise Forbidden()
    ent = get_enterprise(session, user=user, enterprise_id=enterprise_id)
    values = data.model_dump(exclude_unset=True)
    if values.get("name") is None:
        values.pop("name", None)
    _check_unique(
        session,
        park_id=ent.park_id,
        name=values.get("name", ent.name),
        code=values.get("credit_code", ent.credit_code),
        own=ent.id,
    )
    changed = audit.apply_changes(ent, values)
    if changed:
        audit.record(
            session,
            actor=user,
            action="update",
            entity_type="enterprise",
            entity_id=ent.id,
            park_id=ent.park_id,
            changes=changed,
        )
    return ent
