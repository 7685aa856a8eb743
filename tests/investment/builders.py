"""Builders for investment records."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.investment.models import FundsEntry, Project, Stage
from biopark.investment.service import today_local

_seq = itertools.count(1)


def make_project(session: Session, owner: User, **overrides: Any) -> Project:
    """A project owned by `owner` in its park; stage and milestone dates as given."""
    n = next(_seq)
    values: dict[str, Any] = {
        "park_id": owner.park_id,
        "name": f"测试项目{n}",
        "company": f"重庆测试{n}有限公司",
        "owner_id": owner.id,
        "stage": Stage.negotiating,
        "next_action": "商务洽谈",
        "due_on": today_local() + timedelta(days=7),
        **overrides,
    }
    project = Project(**values)
    session.add(project)
    session.flush()
    return project


def make_registered(
    session: Session, owner: User, on: date, agreed: str | Decimal, **overrides: Any
) -> Project:
    """A project signed and registered (入库) on a date with an agreed investment."""
    return make_project(
        session,
        owner,
        stage=overrides.pop("stage", Stage.registered),
        signed_on=on,
        registered_on=on,
        agreed_investment=Decimal(agreed),
        **overrides,
    )


def add_funds(session: Session, project: Project, on: date, amount: str | Decimal) -> FundsEntry:
    entry = FundsEntry(
        park_id=project.park_id, project_id=project.id, received_on=on, amount=Decimal(amount)
    )
    session.add(entry)
    session.flush()
    return entry
