"""Builders for chain records: a park's map, placements and candidate files."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.chain import service
from biopark.chain.models import ChainLink, LinkPlacement
from biopark.enterprises.models import Enterprise
from biopark.parks.models import Park


def link_of(session: Session, park: Park, code: str) -> ChainLink:
    chain = service.ensure_map(session, park_id=park.id)
    link = session.scalar(
        select(ChainLink).where(ChainLink.map_id == chain.id, ChainLink.code == code)
    )
    assert link is not None
    return link


def place(
    session: Session, park: Park, code: str, ent: Enterprise, *, leader: bool = False
) -> LinkPlacement:
    link = link_of(session, park, code)
    placement = LinkPlacement(
        park_id=park.id, link_id=link.id, enterprise_id=ent.id, is_leader=leader
    )
    session.add(placement)
    session.flush()
    return placement


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
