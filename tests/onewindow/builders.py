"""Builders for one-window tests: a catalogue item, enterprise and department users."""

from __future__ import annotations

import io
from itertools import count
from typing import Any

from openpyxl import Workbook
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.onewindow import catalogue
from biopark.onewindow.models import MaterialKind, ServiceItem
from biopark.onewindow.schemas import ItemCreate, MaterialIn
from biopark.parks.models import Department, Park
from tests.builders import make_department, make_user

_seq = count(1)
NAME = MaterialIn(name="企业名称", kind=MaterialKind.record, source="name")
LICENCE = MaterialIn(name="营业执照", kind=MaterialKind.document, source="营业执照")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_item(
    session: Session, park: Park, departments: list[Department], **overrides: Any
) -> ServiceItem:
    n = next(_seq)
    data = {
        "code": f"T-{n:03d}",
        "name": f"测试事项{n}",
        "zero_material": True,
        "department_ids": [d.id for d in departments],
        "materials": [NAME],
        **overrides,
    }
    return catalogue.create_item(session, park_id=park.id, data=ItemCreate(**data), user=None)


def department_user(session: Session, park: Park, dept: Department) -> User:
    return make_user(session, park, Role.department, department_id=dept.id)


def two_departments(session: Session, park: Park) -> tuple[Department, Department]:
    return (
        make_department(session, park, short_name="市药监局"),
        make_department(session, park, short_name="市市场监管局"),
    )


HEADER = [
    "事项编码",
    "事项名称",
    "类别",
    "说明",
    "零材料",
    "办理时限（工作日）",
    "办理部门",
    "材料",
]


def make_sheet(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    """An .xlsx with the header row and the given rows (openpyxl writes '=…' as a formula)."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(header or HEADER)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
