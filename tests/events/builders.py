"""Builders for event records."""

from __future__ import annotations

import itertools
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from biopark.events.models import Event, EventKind
from biopark.kit.dates import today
from biopark.parks.models import Park

_seq = itertools.count(1)


def make_event(session: Session, park: Park, **overrides: Any) -> Event:
    """A one-day forum held today unless told otherwise."""
    values: dict[str, Any] = {
        "park_id": park.id,
        "code": secrets.token_urlsafe(9),
        "name": f"测试论坛{next(_seq)}",
        "kind": EventKind.forum,
        "starts_on": today(),
        "ends_on": today(),
        "city": "重庆",
        "place": "创新中心",
        **overrides,
    }
    event = Event(**values)
    session.add(event)
    session.flush()
    return event


def in_days(n: int) -> Any:
    return today() + timedelta(days=n)
