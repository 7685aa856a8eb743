from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.audit.models import AuditEntry
from biopark.demo.service import load_demo
from biopark.enterprises.models import Enterprise
from biopark.parks.models import Department


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(m)) or 0
        for m in (Enterprise, Department, User, AuditEntry)
    )


def test_demo_load_is_idempotent(session: Session) -> None:
    first = load_demo(session, password="demo-password-1")
    assert first.park.name == "重庆国际生物城"
    assert len(first.created_users) == len(Role)
    before = _counts(session)
    second = load_demo(session, password="demo-password-1")
    assert second.created_users == {}
    assert _counts(session) == before


def test_demo_park_has_departments_enterprises_and_one_user_per_role(session: Session) -> None:
    park = load_demo(session, password="demo-password-1").park
    depts = session.scalars(select(Department).where(Department.park_id == park.id)).all()
    assert len(depts) == 21
    names = {
        e.short_name
        for e in session.scalars(select(Enterprise).where(Enterprise.park_id == park.id))
    }
    assert {"智翔金泰", "博唯生物", "科瑞制药", "植恩", "嘉奥手术机器人", "宸安生物"} <= names
    roles = {u.role for u in session.scalars(select(User).where(User.park_id == park.id))}
    assert roles == set(Role)
