"""Builders for space records."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from biopark.investment.models import Lead
from biopark.parks.models import Park
from biopark.spaces.models import Availability, Space, SpaceKind

_seq = itertools.count(1)


def make_space(session: Session, park: Park, **overrides: Any) -> Space:
    """An available 1,000 m² unit unless told otherwise."""
    values: dict[str, Any] = {
        "park_id": park.id,
        "kind": SpaceKind.unit,
        "name": f"测试单元{next(_seq)}",
        "area_m2": Decimal(1000),
        "rent_per_m2_day": Decimal("1.50"),
        "status": Availability.available,
        **overrides,
    }
    space = Space(**values)
    session.add(space)
    session.flush()
    return space


def make_lead(session: Session, park: Park, **overrides: Any) -> Lead:
    n = next(_seq)
    lead = Lead(
        **{
            "park_id": park.id,
            "company": f"测试线索企业{n}",
            "contact_name": "测试",
            "phone": f"139{n:08d}",
            **overrides,
        }
    )
    session.add(lead)
    session.flush()
    return lead
