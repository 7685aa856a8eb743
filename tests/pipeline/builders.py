"""Builders for pipeline records."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.parks.models import Park
from biopark.pipeline.models import Drug
from biopark.pipeline.stages import Stage
from tests.builders import make_department, make_enterprise

_seq = itertools.count(1)


def make_drug(session: Session, park: Park, **overrides: Any) -> Drug:
    n = next(_seq)
    values: dict[str, Any] = {
        "park_id": park.id,
        "name": f"TD-{n:03d}注射液",
        "code": f"TD-{n:03d}",
        "modality": "antibody",
        "stage": Stage.preclinical,
        **overrides,
    }
    if values.get("enterprise_id") is None and not values.get("company_name"):
        values["company_name"] = "园区外测试药业"
    drug = Drug(**values)
    session.add(drug)
    session.flush()
    return drug


def make_member(session: Session, park: Park, role: Role, **overrides: Any) -> User:
    """A user for service-level tests: no password hashing, so it is cheap (no login possible)."""
    n = next(_seq)
    if role == Role.enterprise and "enterprise_id" not in overrides:
        overrides["enterprise_id"] = make_enterprise(session, park).id
    if role == Role.department and "department_id" not in overrides:
        overrides["department_id"] = make_department(session, park).id
    user = User(
        park_id=park.id,
        username=f"member-{role.value}-{n}",
        display_name=f"{role.value} {n}",
        password_hash="!",
        role=role,
        **overrides,
    )
    session.add(user)
    session.flush()
    return user
