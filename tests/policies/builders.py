"""Builders for policies: make_policy(session, park, **overrides)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from biopark.parks.models import Park
from biopark.policies import service
from biopark.policies.models import Policy
from biopark.policies.schemas import PolicyCreate

_seq = itertools.count(1)


def make_policy(session: Session, park: Park, **overrides: Any) -> Policy:
    n = next(_seq)
    data = {
        "title": f"测试扶持政策第{n}号",
        "issuer": "重庆市巴南区科学技术局",
        "valid_from": date(2025, 1, 1),
        "valid_to": date(2030, 12, 31),
        "conditions": {"all": [{"op": "has_tag", "value": "高新技术企业"}]},
        **overrides,
    }
    return service.create_policy(
        session, park_id=park.id, actor=None, data=PolicyCreate.model_validate(data)
    )
