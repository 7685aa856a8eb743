"""Builders for pipeline records."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from biopark.parks.models import Park
from biopark.pipeline.models import Drug
from biopark.pipeline.stages import Stage

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
