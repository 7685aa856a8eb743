"""Loading the demo park: idempotent, so loading twice changes nothing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark import registry
from biopark.accounts import service as accounts
from biopark.accounts.models import Role, User
from biopark.accounts.schemas import UserCreate
from biopark.demo import data
from biopark.enterprises.models import Enterprise
from biopark.parks.models import Department, Park


@dataclass
class DemoResult:
    park: Park
    created_users: dict[str, str] = field(default_factory=dict)


def _park(session: Session) -> Park:
    park = session.scalar(select(Park).where(Park.code == data.PARK["code"]))
    if park is None:
        park = Park(**data.PARK)
        session.add(park)
        session.flush()
    return park


def _departments(session: Session, park: Park) -> dict[str, Department]:
    existing = {
        d.name: d for d in session.scalars(select(Department).where(Department.park_id == park.id))
    }
    for name, short in data.DEPARTMENTS:
        if name not in existing:
            dept = Department(park_id=park.id, name=name, short_name=short)
            session.add(dept)
            existing[name] = dept
    session.flush()
    return {d.short_name or d.name: d for d in existing.values()}


def _enterprises(session: Session, park: Park) -> dict[str, Enterprise]:
    existing = {
        e.name: e for e in session.scalars(select(Enterprise).where(Enterprise.park_id == park.id))
    }
    for name, short, cluster, tags in data.ENTERPRISES:
        if name not in existing:
            ent = Enterprise(
                park_id=park.id,
                name=name,
                short_name=short,
                cluster=cluster,
                tags=tags,
                is_demo=True,
            )
            session.add(ent)
            existing[name] = ent
    session.flush()
    return {e.short_name or e.name: e for e in existing.values()}


def load_demo(session: Session, *, password: str | None = None) -> DemoResult:
    """Create or complete the demo park; returns the passwords of users created now."""
    park = _park(session)
    departments = _departments(session, park)
    enterprises = _enterprises(session, park)
    result = DemoResult(park=park)
    for username, display, role, ent_short, dept_short in data.USERS:
        if session.scalar(select(User.id).where(User.username == username)):
            continue
        plain = password or secrets.token_urlsafe(9)
        accounts.create_user(
            session,
            park=park,
            data=UserCreate(
                username=username,
                display_name=display,
                password=plain,
                role=Role(role),
                enterprise_id=enterprises[ent_short].id if ent_short else None,
                department_id=departments[dept_short].id if dept_short else None,
            ),
            actor=None,
        )
        result.created_users[username] = plain
    for domain in registry.DOMAINS:
        module = registry.domain_module(domain, "demo")
        if module is not None and module.__name__ != __name__:
            module.load(session, park=park)
    return result
