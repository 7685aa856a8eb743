"""Offset pagination for list endpoints and pages."""

from __future__ import annotations

import math
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")

MAX_SIZE = 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    size: int
    pages: int


def paginate(session: Session, stmt: Select[Any], *, page: int, size: int) -> Page[Any]:
    """Run a select for one page and count the whole result."""
    page = max(page, 1)
    size = min(max(size, 1), MAX_SIZE)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = list(session.scalars(stmt.limit(size).offset((page - 1) * size)))
    return Page(
        items=items, total=total, page=page, size=size, pages=max(1, math.ceil(total / size))
    )
