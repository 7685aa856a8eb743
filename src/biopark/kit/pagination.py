"""Offset pagination for list endpoints and pages."""

from __future__ import annotations

import math
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")

MAX_SIZE = 200


# Pages count this many rows past the page's start, then say "1,000+": counting every
# match of a broad filter reads them all, on every page view.
PAGE_COUNT_LIMIT = 1000


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    size: int
    pages: int
    # True when `total` stops at the counting limit and more rows follow.
    more: bool = False


def paginate(
    session: Session,
    stmt: Select[Any],
    *,
    page: int,
    size: int,
    count_up_to: int | None = None,
) -> Page[Any]:
    """Run a select for one page and count the result.

    With `count_up_to`, counting stops that many rows after the page's first row (`more` is
    then True): the pager still knows the next pages, and a broad filter is not read whole.
    """
    page = max(page, 1)
    size = min(max(size, 1), MAX_SIZE)
    offset = (page - 1) * size
    counted = stmt.order_by(None)
    if count_up_to is not None:
        counted = counted.limit(offset + max(count_up_to, size) + 1)
    total = session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    more = count_up_to is not None and total > offset + max(count_up_to, size)
    if more:
        total -= 1  # the one row past the limit only told that more follow
    items = list(session.scalars(stmt.limit(size).offset(offset)))
    return Page(
        items=items,
        total=total,
        page=page,
        size=size,
        pages=max(1, math.ceil(total / size)),
        more=more,
    )
