"""Builders for requests: make_request(session, user, **overrides)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.services import service
from biopark.services.models import ServiceRequest
from biopark.services.schemas import RequestCreate


def make_request(
    session: Session, user: User, *, now: datetime | None = None, **overrides: Any
) -> ServiceRequest:
    data = RequestCreate(
        **{
            "category": "审评审批",
            "title": "新药临床试验申请沟通",
            "content": "希望协调药审中心就IND补充资料召开沟通会。",
            **overrides,
        }
    )
    return service.submit_request(session, user=user, data=data, now=now)
