"""Builders for coordination tasks: make_task(session, park, lead, **overrides)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from biopark.parks.models import Department, Park
from biopark.tasks import service
from biopark.tasks.models import CoordTask
from biopark.tasks.schemas import TaskCreate

_seq = itertools.count(1)


def make_task(session: Session, park: Park, lead: Department, **overrides: Any) -> CoordTask:
    data = TaskCreate(
        **{
            "category": "政策落实",
            "title": f"落实创新药首发上市支持政策{next(_seq)}",
            "lead_department_id": lead.id,
            "deadline": date(2025, 6, 30),
            **overrides,
        }
    )
    return service.create_task(session, user=None, park_id=park.id, data=data)
