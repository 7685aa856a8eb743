"""Annual targets of a park, its chain-leader teams and chains."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.audit import service as audit
from biopark.errors import Forbidden, ValidationFailed
from biopark.investment.access import TARGET_EDITORS, check_access
from biopark.investment.models import (
    Target,
)
from biopark.investment.schemas import (
    TargetSet,
)

# --- targets --------------------------------------------------------------------------------


def set_target(session: Session, *, user: User, data: TargetSet) -> Target:
    """Create or replace the annual target of the park, a team or a chain."""
    if user.role not in TARGET_EDITORS:
        raise Forbidden("只有领导可以设定目标", en="Only leaders set targets")
    if data.scope.value != "park" and not data.scope_value:
        raise ValidationFailed("请填写团队或产业链名称", en="Name the team or chain")
    scope_value = "" if data.scope.value == "park" else data.scope_value
    target = session.scalar(
        select(Target).where(
            Target.park_id == user.park_id,
            Target.year == data.year,
            Target.scope == data.scope.value,
            Target.scope_value == scope_value,
        )
    )
    values = {
        "projects": data.projects,
        "agreed_investment": data.agreed_investment,
        "funds_in_place": data.funds_in_place,
    }
    if target is None:
        target = Target(
            park_id=user.park_id, year=data.year, scope=data.scope.value, scope_value=scope_value
        )
        session.add(target)
        session.flush()
    changed = audit.apply_changes(target, values)
    audit.record(
        session,
        actor=user,
        action="target",
        entity_type="investment_target",
        entity_id=target.id,
        park_id=user.park_id,
        changes={
            "year": data.year,
            "scope": data.scope.value,
            "scope_value": scope_value,
            **changed,
        },
    )
    return target


def list_targets(session: Session, *, user: User, year: int | None = None) -> list[Target]:
    """The park's targets, newest year first."""
    check_access(user)
    stmt = select(Target).where(Target.park_id == user.park_id)
    if year:
        stmt = stmt.where(Target.year == year)
    return list(
        session.scalars(stmt.order_by(Target.year.desc(), Target.scope, Target.scope_value))
    )
