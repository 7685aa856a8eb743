"""The demo catalogue: enough items, several 零材料, applications, and an intact chain."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.audit import chain
from biopark.demo.service import load_demo
from biopark.onewindow.models import PartStatus, ServiceItem, Submission


def test_demo_catalogue_and_chain(session: Session, empty_chain: None) -> None:
    load_demo(session, password="demo-pass-123")
    items = list(session.scalars(select(ServiceItem)))
    assert len(items) >= 20
    assert sum(1 for i in items if i.zero_material) >= 8
    subs = list(session.scalars(select(Submission)))
    assert {s.status for s in subs} >= {PartStatus.approved, PartStatus.processing}
    assert chain.verify(session).ok
    load_demo(session, password="demo-pass-123")
    assert len(list(session.scalars(select(ServiceItem)))) == len(items)
    assert len(list(session.scalars(select(Submission)))) == len(subs)
