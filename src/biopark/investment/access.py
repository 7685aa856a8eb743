"""Who may work the investment pipeline, and the checks shared by its services."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.enterprises.models import Enterprise
from biopark.errors import Forbidden, ValidationFailed
from biopark.kit import dates
from biopark.kit.dates import SHANGHAI

ACCESS = frozenset({Role.admin, Role.leader, Role.investment_officer})
TARGET_EDITORS = frozenset({Role.admin, Role.leader})
ENTITY_LEAD = "investment_lead"
# A consulting person's details stay out of the append-only audit trail (erasable by PIPL).
audit.register_personal(ENTITY_LEAD, ("company", "contact_name", "phone", "message"))
ENTITY_PROJECT = "investment_project"


def check_access(user: User) -> None:
    """Only investment officers, leaders and admins work the pipeline."""
    if user.role not in ACCESS:
        raise Forbidden()


def today_local() -> date:
    """Today in Asia/Shanghai."""
    return dates.today()


def check_due(value: date | datetime | None) -> None:
    """A due date is refused when it is set in the past (Beijing's today is still fine)."""
    if value is None:
        return
    day = value.astimezone(SHANGHAI).date() if isinstance(value, datetime) else value
    if day < dates.today():
        raise ValidationFailed("截止日期不能早于今天", en="The due date cannot be in the past")


def check_owner(session: Session, *, park_id: int, owner_id: int | None) -> User | None:
    if owner_id is None:
        return None
    owner = session.get(User, owner_id)
    if owner is None or owner.park_id != park_id or owner.role not in ACCESS or not owner.active:
        raise ValidationFailed(
            "负责人须为本园区在岗的招商人员",
            en="Owner must be an active investment user of the park",
        )
    return owner


def check_enterprise(session: Session, *, park_id: int, enterprise_id: int | None) -> None:
    if enterprise_id is None:
        return
    ent = session.get(Enterprise, enterprise_id)
    if ent is None or ent.park_id != park_id:
        raise ValidationFailed("关联企业不存在", en="Linked enterprise not found")


def officers(session: Session, *, park_id: int) -> list[User]:
    """The park's active users who may own leads and projects."""
    stmt = (
        select(User)
        .where(User.park_id == park_id, User.active.is_(True), User.role.in_(list(ACCESS)))
        .order_by(User.role, User.display_name)
    )
    return list(session.scalars(stmt))
