"""Builders for financial products and needs."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.finance import service
from biopark.finance.models import FinanceProduct, FinancingNeed
from biopark.finance.schemas import NeedCreate, ProductCreate
from biopark.parks.models import Park

_seq = itertools.count(1)


def make_product(session: Session, park: Park, **overrides: Any) -> FinanceProduct:
    n = next(_seq)
    data = {
        "name": f"测试研发贷{n}",
        "kind": "loan",
        "provider": "测试农村商业银行",
        "amount_max": Decimal(300_000_000),
        "conditions": {"all": []},
        **overrides,
    }
    return service.create_product(
        session, park_id=park.id, actor=None, data=ProductCreate.model_validate(data)
    )


def make_need(session: Session, user: User, **overrides: Any) -> FinancingNeed:
    data = {"amount": Decimal(300_000_000), "purpose": "III期临床", "stage": "临床期", **overrides}
    return service.post_need(session, user=user, data=NeedCreate.model_validate(data))
