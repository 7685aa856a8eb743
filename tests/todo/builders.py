"""Builders for to-do tests: a park with one user per working role and their records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import event
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.enterprises.models import Enterprise
from biopark.parks.models import Department, Park
from tests.builders import make_department, make_enterprise, make_park, make_user

# A Monday morning in Beijing, far enough back that every clock started then has run out.
LONG_AGO = datetime(2025, 3, 3, 1, 30, tzinfo=UTC)


@dataclass
class Office:
    park: Park
    leader: User
    officer: User
    commissioner: User
    department: User
    dept: Department
    enterprise_user: User
    ent: Enterprise
    analyst: User
    admin: User


def make_office(session: Session) -> Office:
    """A park with a user per role; the commissioner serves `ent`, whose user is enterprise_user."""
    park = make_park(session)
    commissioner = make_user(session, park, Role.commissioner)
    ent = make_enterprise(session, park, short_name="测试药业", commissioner_id=commissioner.id)
    dept = make_department(session, park, short_name="测试局")
    return Office(
        park=park,
        leader=make_user(session, park, Role.leader),
        officer=make_user(session, park, Role.investment_officer),
        commissioner=commissioner,
        department=make_user(session, park, Role.department, department_id=dept.id),
        dept=dept,
        enterprise_user=make_user(session, park, Role.enterprise, enterprise_id=ent.id),
        ent=ent,
        analyst=make_user(session, park, Role.analyst),
        admin=make_user(session, park, Role.admin),
    )


def recent(hours: float = 0.1) -> datetime:
    """A moment shortly before now, in UTC."""
    return datetime.now(UTC) - timedelta(hours=hours)


class QueryCounter:
    """Counts the SQL statements a session runs inside a `with` block."""

    def __init__(self, session: Session) -> None:
        self.engine = session.get_bind()
        self.count = 0

    def _on(self, *args: object, **kwargs: object) -> None:
        self.count += 1

    def __enter__(self) -> QueryCounter:
        event.listen(self.engine, "before_cursor_execute", self._on)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._on)
